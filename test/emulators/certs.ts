// Test certificates made at test time with node:crypto alone: a minimal DER/X.509 writer, a CA
// and a server certificate for 127.0.0.1/localhost it signs (ECDSA P-256, valid one day).
// Nothing is read from disk or the network; each run gets fresh keys.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

// --- DER ---
function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  const header = len < 0x80 ? Buffer.from([tag, len])
    : len < 0x100 ? Buffer.from([tag, 0x81, len])
      : Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  return Buffer.concat([header, content]);
}
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 + n, inner);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
function int(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++; // minimal encoding
  const v = b.subarray(i);
  return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
function utcTime(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, '0');
  return tlv(0x17, Buffer.from(`${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`));
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ext = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

export interface TestKeyPair {
  certPem: string;
  keyPem: string;
  /** For signing certificates this one issues. */
  privateKey: KeyObject;
  subject: string;
  keyId: Buffer;
}

interface Issue {
  subject: string;
  ca: boolean;
  issuer?: TestKeyPair;
  ips?: string[];
  dns?: string[];
}

function issue(o: Issue): TestKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(spki).digest();
  const now = Date.now();
  const extensions: Buffer[] = [
    ext('2.5.29.19', true, o.ca ? seq(bool(true)) : seq()),
    // keyUsage: CA keyCertSign + cRLSign (bits 5, 6); leaf digitalSignature (bit 0).
    ext('2.5.29.15', true, o.ca ? bits(Buffer.from([0x06]), 1) : bits(Buffer.from([0x80]), 7)),
    ext('2.5.29.14', false, octets(keyId)),
  ];
  if (o.issuer) extensions.push(ext('2.5.29.35', false, seq(tlv(0x80, o.issuer.keyId))));
  if (!o.ca) {
    extensions.push(ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
    const names = [
      ...(o.ips ?? []).map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
      ...(o.dns ?? []).map((d) => tlv(0x82, Buffer.from(d))),
    ];
    extensions.push(ext('2.5.29.17', false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, int(Buffer.from([2]))),
    int(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    ECDSA_SHA256,
    name(o.issuer?.subject ?? o.subject),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 86400_000))),
    name(o.subject),
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, o.issuer?.privateKey ?? privateKey); // DER ECDSA-Sig-Value
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), privateKey, subject: o.subject, keyId };
}

export interface TestPki {
  ca: TestKeyPair;
  /** Server certificate for 127.0.0.1 and localhost, signed by `ca`. */
  server: TestKeyPair;
}

/** A fresh CA and a server certificate for loopback, signed by it. */
export function createTestPki(caName = 'IR test CA'): TestPki {
  const ca = issue({ subject: caName, ca: true });
  const server = issue({ subject: '127.0.0.1', ca: false, issuer: ca, ips: ['127.0.0.1'], dns: ['localhost'] });
  return { ca, server };
}
