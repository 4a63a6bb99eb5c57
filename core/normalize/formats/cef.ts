// ArcSight Common Event Format: CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension,
// optionally behind a syslog header. Header escapes \| and \\; extension escapes \= \\ \n \r.
import type { NormalizedAlert } from '../../model/types';
import type { Ctx, LineFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { AlertFormatError } from '../errors';
import { severityFrom0to10, severityFromWord } from '../severity';
import { firstStr } from '../util';
import { addByHint } from './fields';
import { parseSyslogHeader } from './syslog';

export interface CefRecord {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  extension: Record<string, string>;
  /** Text before "CEF:" (a syslog header), possibly empty. */
  prefix: string;
}

export function escapeCefHeader(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

export function escapeCefValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function unescapeHeader(v: string): string {
  return v.indexOf('\\') === -1 ? v : v.replace(/\\([\\|])/g, '$1');
}

function unescapeValue(v: string): string {
  if (v.indexOf('\\') === -1) return v;
  // Unknown escapes stay as written: many sources leave Windows paths ("C:\Users") unescaped.
  return v.replace(/\\([\\=nr|])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 91 || c === 93;
}

/** Length of a "key=" starting at p (key chars then an unescaped "="), or 0. */
function keyAt(s: string, p: number): number {
  let q = p;
  while (q < s.length && isKeyChar(s.charCodeAt(q))) q++;
  return q > p && s.charCodeAt(q) === 61 ? q - p : 0;
}

/** Extension key=value pairs; a value runs until the space before the next "key=". */
export function parseCefExtension(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const n = s.length;
  let i = 0;
  while (i < n) {
    while (i < n && s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const klen = keyAt(s, i);
    if (klen === 0) {
      // Stray text: skip to the next space-separated key rather than fail the record.
      const sp = s.indexOf(' ', i);
      if (sp === -1) break;
      i = sp + 1;
      continue;
    }
    const key = s.slice(i, i + klen);
    const v = i + klen + 1;
    let k = v;
    while (k < n) {
      const c = s.charCodeAt(k);
      if (c === 92) { k += 2; continue; }
      if (c === 32 && keyAt(s, k + 1) > 0) break;
      k++;
    }
    if (k > n) k = n;
    out[key] = unescapeValue(s.slice(v, k));
    i = k + 1;
  }
  return out;
}

export function cefStart(line: string): number {
  let idx = line.indexOf('CEF:');
  while (idx !== -1) {
    const c = line.charCodeAt(idx + 4);
    if (c >= 48 && c <= 57 && (idx === 0 || !isKeyChar(line.charCodeAt(idx - 1)))) return idx;
    idx = line.indexOf('CEF:', idx + 4);
  }
  return -1;
}

export function parseCefRecord(line: string): CefRecord {
  const start = cefStart(line);
  if (start === -1) throw new AlertFormatError('bad-record', 'not a CEF record (no "CEF:<version>|" found)');
  const body = line.slice(start + 4);
  const header: string[] = [];
  let from = 0;
  for (let i = 0; i < body.length && header.length < 7; i++) {
    const c = body.charCodeAt(i);
    if (c === 92) { i++; continue; }
    if (c === 124) {
      header.push(unescapeHeader(body.slice(from, i)));
      from = i + 1;
    }
  }
  if (header.length < 7) {
    throw new AlertFormatError('bad-record', `CEF header has ${header.length + 1} of its 8 "|"-separated fields`);
  }
  return {
    version: header[0].trim(), vendor: header[1], product: header[2], deviceVersion: header[3],
    signatureId: header[4], name: header[5], severity: header[6].trim(),
    extension: parseCefExtension(body.slice(from)),
    prefix: line.slice(0, start),
  };
}

const STANDARD: Array<[string, 'ip' | 'host' | 'user' | 'domain' | 'file' | 'hash' | 'url', 'source' | 'destination' | 'actor' | 'target' | 'related']> = [
  ['src', 'ip', 'source'], ['sourceTranslatedAddress', 'ip', 'source'], ['c6a2', 'ip', 'source'],
  ['dst', 'ip', 'destination'], ['destinationTranslatedAddress', 'ip', 'destination'], ['c6a3', 'ip', 'destination'],
  ['dvc', 'ip', 'related'], ['agt', 'ip', 'related'], ['c6a1', 'ip', 'related'], ['c6a4', 'ip', 'related'],
  ['shost', 'host', 'source'], ['dhost', 'host', 'destination'], ['dvchost', 'host', 'related'], ['ahost', 'host', 'related'],
  ['suser', 'user', 'actor'], ['duser', 'user', 'target'],
  ['sourceDnsDomain', 'domain', 'source'], ['destinationDnsDomain', 'domain', 'destination'],
  ['filePath', 'file', 'target'], ['oldFilePath', 'file', 'related'],
  ['fileHash', 'hash', 'related'], ['oldFileHash', 'hash', 'related'],
  ['request', 'url', 'related'],
];
const STANDARD_KEYS = new Set(STANDARD.map(([k]) => k));
// Vendor keys worth reading by name: digests, addresses, URLs (TrendMicroDsFileMD5, clientIP, ...).
export const VENDOR_KEY_RE = /md5|sha1|sha256|sha-1|sha-256|hash|(?:ip|IP|Ip|[aA]ddress|url|Url|URL|[Ff]ile[Pp]ath)$/i;
const CUSTOM_RE = /^(?:cs|cn|cfp|c6a|flexString|flexNumber|flexDate|deviceCustomDate)\d$/;

export function parseCefLine(line: string, ctx: Ctx): NormalizedAlert {
  const r = parseCefRecord(line);
  const x = r.extension;
  const obs = newObs();
  for (const [k, type, role] of STANDARD) {
    const v = x[k];
    if (v === undefined) continue;
    if (type === 'host') obs.hostOrIp(v, role);
    else if (type === 'url') { if (!obs.url(v, role)) obs.text(v, role); }
    else obs.add(type, v, role);
  }
  if (x.filePath === undefined && x.fname !== undefined) obs.file(x.fname, 'target');
  for (const key of Object.keys(x)) {
    if (STANDARD_KEYS.has(key) || key.endsWith('Label')) continue;
    const label = CUSTOM_RE.test(key) ? x[key + 'Label'] : undefined;
    if (label !== undefined) addByHint(label, x[key], obs);
    else if (!CUSTOM_RE.test(key) && VENDOR_KEY_RE.test(key)) addByHint(key, x[key], obs);
  }
  if (x.msg) obs.text(x.msg);
  const prefix = r.prefix.trim();
  const sys = prefix ? parseSyslogHeader(prefix, ctx.now) : undefined;
  if (sys?.host) obs.hostOrIp(sys.host, 'related');
  const title = firstStr(r.name) ?? [r.vendor, r.product, r.signatureId].map((s) => s.trim()).filter(Boolean).join(' ');
  return buildAlert({
    source: 'cef',
    id: firstStr(x.externalId, x.eventId),
    title,
    titleFields: 'Name, or Vendor Product SignatureID',
    description: x.msg,
    // Numeric 0-10, or the CEF words (Unknown is "no severity": the default applies).
    severity: sev(severityFrom0to10, r.severity) ?? sev(severityFromWord, r.severity),
    time: firstTime(ctx, [x.rt, 'rt'], [x.start, 'start']) ?? sys?.time,
    rule: { id: firstStr(r.signatureId), name: firstStr(r.name) },
    obs,
    raw: line,
  }, ctx);
}

export const cef: LineFormat = {
  id: 'cef',
  label: 'CEF (ArcSight Common Event Format)',
  example: 'CEF:0|Acme|Firewall|2.1|100|Port scan detected|7|src=203.0.113.5 dst=10.0.0.8 dpt=22 suser=alice rt=1714557600000',
  detectLine: (line) => cefStart(line) !== -1 && line.indexOf('|') !== -1,
  parseLine: parseCefLine,
};
