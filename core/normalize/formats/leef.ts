// IBM QRadar Log Event Extended Format.
//   LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value...
//   LEEF:2.0|Vendor|Product|Version|EventID|DelimiterChar|key=value<delim>...
// The delimiter of 2.0 is one character, or its hex code (x09, 0x5E, \t); empty means TAB.
import type { NormalizedAlert } from '../../model/types';
import type { Ctx, LineFormat } from '../alert';
import { buildAlert, newObs, sev } from '../alert';
import { AlertFormatError } from '../errors';
import { severityFrom0to10 } from '../severity';
import { parseTime, civilUtc, type TimeResult } from '../time';
import { firstStr } from '../util';
import { addByHint } from './fields';
import { VENDOR_KEY_RE } from './cef';
import { parseSyslogHeader } from './syslog';

export interface LeefRecord {
  version: string;
  vendor: string;
  product: string;
  productVersion: string;
  eventId: string;
  delimiter: string;
  attributes: Record<string, string>;
  prefix: string;
}

export function leefStart(line: string): number {
  let idx = line.indexOf('LEEF:');
  while (idx !== -1) {
    const c = line.charCodeAt(idx + 5);
    if (c >= 48 && c <= 57) return idx;
    idx = line.indexOf('LEEF:', idx + 5);
  }
  return -1;
}

/** "^", "x5E", "0x5e", "\t" -> the delimiter character. */
export function leefDelimiter(field: string): string {
  const f = field;
  if (f === '') return '\t';
  if (f.length === 1) return f;
  if (f === '\\t') return '\t';
  const m = /^(?:0?x|\\x)([0-9A-Fa-f]{2,4})$/.exec(f);
  if (m) return String.fromCharCode(parseInt(m[1], 16));
  throw new AlertFormatError('bad-record', `LEEF 2.0 delimiter field "${f.slice(0, 10)}" is not a character or hex code`);
}

export function parseLeefRecord(line: string): LeefRecord {
  const start = leefStart(line);
  if (start === -1) throw new AlertFormatError('bad-record', 'not a LEEF record (no "LEEF:<version>|" found)');
  const body = line.slice(start + 5);
  const header: string[] = [];
  let from = 0;
  const want = body.startsWith('1') ? 5 : 6;
  for (let i = 0; i < body.length && header.length < want; i++) {
    const c = body.charCodeAt(i);
    if (c === 92 && body.charCodeAt(i + 1) === 124) { i++; continue; }
    if (c === 124) {
      header.push(body.slice(from, i).replace(/\\\|/g, '|'));
      from = i + 1;
    }
  }
  if (header.length < 5) throw new AlertFormatError('bad-record', `LEEF header has ${header.length} of its 5 "|"-separated fields`);
  let delimiter = '\t';
  if (want === 6) {
    if (header.length === 6 && header[5].indexOf('=') === -1) delimiter = leefDelimiter(header[5]);
    else if (header.length === 6) from -= header[5].length + 1; // no delimiter field: those were attributes
  }
  let rest = body.slice(from);
  if (want === 5 && rest.startsWith('|')) rest = rest.slice(1);
  const attributes: Record<string, string> = {};
  let lastKey: string | undefined;
  for (const part of rest.split(delimiter)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      // No key: the delimiter was part of the previous value.
      if (lastKey !== undefined && part !== '') attributes[lastKey] += delimiter + part;
      continue;
    }
    lastKey = part.slice(0, eq).trim();
    attributes[lastKey] = part.slice(eq + 1);
  }
  return {
    version: header[0].trim(), vendor: header[1], product: header[2], productVersion: header[3],
    eventId: header[4], delimiter, attributes, prefix: line.slice(0, start),
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** devTime read with its devTimeFormat (a Java SimpleDateFormat pattern; the common letters only). */
export function parseJavaDate(value: string, pattern: string, field: string): TimeResult | undefined {
  const groups: string[] = [];
  let re = '^';
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i];
    let j = i;
    while (j < pattern.length && pattern[j] === ch) j++;
    const run = j - i;
    if (/[A-Za-z]/.test(ch)) {
      groups.push(ch.repeat(run));
      if (ch === 'M' && run >= 3) re += '([A-Za-z]{3,9})';
      else if (ch === 'E') re += '[A-Za-z]{2,9}';
      else if (ch === 'a') re += '([AaPp][Mm])';
      else if (ch === 'z' || ch === 'Z' || ch === 'X') re += '(Z|[+-]\\d{2}:?\\d{2}|[A-Za-z]{1,5})';
      else if (ch === 'S') re += '(\\d{1,9})';
      else if (ch === 'y') re += run === 2 ? '(\\d{2})' : '(\\d{4})';
      else re += `(\\d{1,${Math.max(run, 2)}})`;
      if (ch === 'E') groups.pop();
    } else if (ch === "'") {
      const close = pattern.indexOf("'", i + 1);
      const lit = close === -1 ? pattern.slice(i + 1) : pattern.slice(i + 1, close);
      re += lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = close === -1 ? pattern.length : close + 1;
      continue;
    } else {
      re += ch.repeat(run).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    i = j;
  }
  const m = new RegExp(re + '$').exec(value.trim());
  if (!m) throw new AlertFormatError('bad-date', `bad date in devTime: "${value.slice(0, 60)}" does not match devTimeFormat "${pattern.slice(0, 60)}"`);
  let y = NaN, mo = NaN, d = 1, h = 0, mi = 0, s = 0, frac = '', zone: string | undefined, pm: boolean | undefined;
  groups.forEach((g, k) => {
    const v = m[k + 1];
    switch (g[0]) {
      case 'y': y = g.length === 2 ? 2000 + Number(v) : Number(v); break;
      case 'M': mo = g.length >= 3 ? MONTHS.indexOf(v.slice(0, 3).toLowerCase()) + 1 : Number(v); break;
      case 'd': d = Number(v); break;
      case 'H': case 'k': h = Number(v) % 24; break;
      case 'h': case 'K': h = Number(v) % 12; break;
      case 'm': mi = Number(v); break;
      case 's': s = Number(v); break;
      case 'S': frac = v; break;
      case 'a': pm = v.toLowerCase() === 'pm'; break;
      default: zone = v;
    }
  });
  if (pm) h += 12;
  if (Number.isNaN(y) || Number.isNaN(mo) || mo < 1) throw new AlertFormatError('bad-date', `bad date in ${field}: "${value.slice(0, 60)}"`);
  if (zone !== undefined) {
    // The month-first reader knows zone names and offsets.
    const text = `${MONTHS[mo - 1] ?? 'x'} ${d} ${y} ${h}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}${frac ? '.' + frac : ''} ${zone}`;
    return parseTime(text, field, new Date());
  }
  return { iso: civilUtc(y, mo, d, h, mi, s, frac, field, value), rule: 'source' };
}

const STANDARD: Array<[string, 'ip' | 'host' | 'user' | 'url' | 'domain', 'source' | 'destination' | 'actor' | 'target' | 'related']> = [
  ['src', 'ip', 'source'], ['srcPreNAT', 'ip', 'source'], ['srcPostNAT', 'ip', 'source'], ['identSrc', 'ip', 'source'],
  ['dst', 'ip', 'destination'], ['dstPreNAT', 'ip', 'destination'], ['dstPostNAT', 'ip', 'destination'],
  ['usrName', 'user', 'actor'], ['suser', 'user', 'actor'], ['duser', 'user', 'target'], ['identUser', 'user', 'actor'],
  ['identHostName', 'host', 'related'], ['identNetBios', 'host', 'related'], ['srcHost', 'host', 'source'], ['dstHost', 'host', 'destination'],
  ['url', 'url', 'related'],
];
const STANDARD_KEYS = new Set(STANDARD.map(([k]) => k));

export function parseLeefLine(line: string, ctx: Ctx): NormalizedAlert {
  const r = parseLeefRecord(line);
  const a = r.attributes;
  const obs = newObs();
  for (const [k, type, role] of STANDARD) {
    if (a[k] === undefined) continue;
    if (type === 'host') obs.hostOrIp(a[k], role);
    else obs.add(type, a[k], role);
  }
  for (const key of Object.keys(a)) {
    if (!STANDARD_KEYS.has(key) && VENDOR_KEY_RE.test(key)) addByHint(key, a[key], obs);
  }
  if (a.msg) obs.text(a.msg);
  const prefix = r.prefix.trim();
  const sys = prefix ? parseSyslogHeader(prefix, ctx.now) : undefined;
  if (sys?.host) obs.hostOrIp(sys.host, 'related');
  let time: TimeResult | undefined;
  if (a.devTime !== undefined && a.devTime.trim() !== '') {
    time = a.devTimeFormat ? parseJavaDate(a.devTime, a.devTimeFormat, 'devTime') : parseTime(a.devTime, 'devTime', ctx.now);
  }
  // LEEF has no event name: vendor, product and event id make the title.
  const title = [r.vendor, r.product, r.eventId].map((s) => s.trim()).filter(Boolean).join(' ');
  return buildAlert({
    source: 'leef',
    title,
    titleFields: 'Vendor Product EventID',
    description: a.msg,
    severity: sev(severityFrom0to10, a.sev),
    time: time ?? sys?.time,
    rule: { id: firstStr(r.eventId), name: title },
    obs,
    raw: line,
  }, ctx);
}

export const leef: LineFormat = {
  id: 'leef',
  label: 'LEEF (IBM QRadar Log Event Extended Format)',
  example: 'LEEF:2.0|Acme|IDS|1.0|4021|^|src=203.0.113.5^dst=10.0.0.8^sev=8^usrName=alice^devTime=1714557600000',
  detectLine: (line) => leefStart(line) !== -1 && line.indexOf('|') !== -1,
  parseLine: parseLeefLine,
};
