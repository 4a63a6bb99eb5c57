// Which servers to trust. A custom CA bundle (a private PKI, a TLS-inspecting proxy) is added
// to the CAs Node already trusts unless the caller asks for it alone; certificate checks are
// only switched off by an explicit `rejectUnauthorized: false`.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

export interface TlsOptions {
  /** Extra trusted CAs, PEM text (one string may hold several certificates). */
  ca?: string | readonly string[];
  /** Extra trusted CAs from PEM files. */
  caFile?: string | readonly string[];
  /** Trust only `ca`/`caFile`, not Node's default CAs. Default false. */
  replaceDefaultCa?: boolean;
  /** false switches certificate verification off. Only ever an explicit opt-out; default true. */
  rejectUnauthorized?: boolean;
}

/** What undici's `connect`/`requestTls`/`proxyTls` take. */
export interface ConnectTls {
  ca?: string[];
  rejectUnauthorized?: boolean;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Split and check PEM text; throws naming `source` (never the content) when it holds no valid certificate. */
export function parsePemBundle(text: string, source: string): string[] {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (!blocks.length) throw new Error(`CA bundle ${source} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  blocks.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new Error(`CA bundle ${source}: certificate ${i + 1} is not valid X.509 (${(err as Error).message})`);
    }
  });
  return blocks;
}

/** Node's effective default CAs: the bundled Mozilla store plus NODE_EXTRA_CA_CERTS (and the OS store where Node exposes it). */
export function defaultCaCertificates(env: NodeJS.ProcessEnv = process.env): string[] {
  // tls.getCACertificates('default') exists from Node 22.15/23.5 and already includes the extras.
  const getCa = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (typeof getCa === 'function') return getCa('default');
  const out = [...tls.rootCertificates];
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      out.push(...(readFileSync(extra, 'utf8').match(PEM_BLOCK) ?? []));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; do the same (skip it).
    }
  }
  return out;
}

/** Turn TlsOptions into undici connect options; undefined when Node's defaults apply unchanged. */
export function resolveTls(options: TlsOptions | undefined): ConnectTls | undefined {
  if (!options) return undefined;
  const custom: string[] = [];
  for (const text of list(options.ca)) custom.push(...parsePemBundle(text, 'ca (PEM text)'));
  for (const file of list(options.caFile)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`CA bundle file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    custom.push(...parsePemBundle(text, file));
  }
  if (options.replaceDefaultCa && !custom.length) throw new Error('replaceDefaultCa needs ca or caFile: it would trust no server at all');
  const out: ConnectTls = {};
  // Node's `ca` option replaces the default store, so "add" means defaults + custom.
  if (custom.length) out.ca = options.replaceDefaultCa ? custom : [...defaultCaCertificates(), ...custom];
  if (options.rejectUnauthorized === false) out.rejectUnauthorized = false;
  return out.ca || out.rejectUnauthorized === false ? out : undefined;
}

function list(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}
