// Indicators of compromise from free text (messages, descriptions, raw log lines).
// Every pattern is linear: bounded quantifiers, label-by-label domains, look-behinds that stop a
// match from starting inside a word, so a long hostile string costs O(n), never a backtracking blow-up.
import { parse as parseDomain } from 'tldts';
import type { ObservableType } from '../model/types';
import { parseIp } from './ip';

export interface Ioc {
  type: ObservableType;
  value: string;
}

/** Longest text scanned; alerts with larger free text are scanned on their first part only. */
export const MAX_IOC_TEXT = 256 * 1024;

// hxxp://, h**p://, evil[.]com, evil(dot)com, user[@]evil.com, 1.2.3[.]4, http[:]//
const REFANG_HINT = /hxxp|h\*\*p|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[@\]|\(@\)|\[at\]|\(at\)|\[:\]|\[:\/\/\]/i;

export function refang(text: string): string {
  // Cheap native checks first: most text has no brackets and no "xx"/"**" at all.
  if (text.indexOf('[') === -1 && text.indexOf('(') === -1 && text.indexOf('{') === -1 &&
      text.indexOf('xx') === -1 && text.indexOf('XX') === -1 && text.indexOf('**') === -1) return text;
  if (!REFANG_HINT.test(text)) return text;
  let t = text;
  if (/hxxp|h\*\*p/i.test(t)) t = t.replace(/\b(?:hxxp|h\*\*p)(s?)(?=:|\[:)/gi, 'http$1');
  if (t.indexOf('[:') !== -1) t = t.replace(/\[:\/\/\]/g, '://').replace(/\[:\]/g, ':');
  if (/[[({](?:\.|dot)[\])}]/i.test(t)) t = t.replace(/\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\})\s?/gi, '.');
  if (/[[(](?:@|at)[\])]/i.test(t)) t = t.replace(/\s?(?:\[@\]|\(@\)|\[at\]|\(at\))\s?/gi, '@');
  return t;
}

const URL_RE = /\b(?:https?|ftp|sftp|wss?):\/\/[^\s<>"'`{}|\\^]{1,2048}/gi;
// The character BEFORE a match is checked in code (notAfter) rather than with a look-behind:
// V8 cannot scan ahead for a pattern that starts with a look-behind, which made these 3x slower.
const EMAIL_RE = /[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z]{2,24}(?![\w-])/g;
const IPV6_RE = /(?<![\w:.%])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{2,45}(?:%[\w]{1,16})?(?![\w:.%])/g;

const WORD = 1;
const DOT = 2;
const DASH = 4;
const SLASH = 8;
const AT = 16;
const EMAIL_PUNCT = 32;
const ALNUM = 64;
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = WORD | ALNUM;
for (let c = 65; c <= 90; c++) CLASS[c] = WORD | ALNUM;
for (let c = 97; c <= 122; c++) CLASS[c] = WORD | ALNUM;
CLASS[95] = WORD;
CLASS[46] = DOT;
CLASS[45] = DASH;
CLASS[47] = SLASH;
CLASS[92] = SLASH;
CLASS[64] = AT;
CLASS[37] = EMAIL_PUNCT;
CLASS[43] = EMAIL_PUNCT;

/** True when the character before `index` is none of the classes in `mask`. */
function notAfter(text: string, index: number, mask: number): boolean {
  if (index === 0) return true;
  const c = text.charCodeAt(index - 1);
  return c >= 128 || (CLASS[c] & mask) === 0;
}
const WIN_PATH_RE = /(?<![\w])[A-Za-z]:\\(?:[^\\/:*?"<>|\r\n\t]{1,255}\\){0,32}[^\\/:*?"<>|\r\n\t ,;]{1,255}/g;
const UNC_PATH_RE = /(?<![\w\\])\\\\[\w.$-]{1,255}(?:\\[^\\/:*?"<>|\r\n\t ,;]{1,255}){1,32}/g;
const UNIX_PATH_RE = /(?<![\w.:/~-])\/(?:[\w.@+-]{1,255}\/){1,32}[\w.@+-]{1,255}/g;

// Real TLDs that are far more often file extensions ("invoice.zip", "run.sh", "readme.md"),
// or field paths ("user.name"), when they follow a single label.
const FILE_LIKE_TLDS = new Set(['zip', 'mov', 'py', 'sh', 'md', 'pl', 'rs', 'ps', 'so', 'cab', 'run', 'exe', 'dll', 'bat', 'name']);

/** Trailing punctuation that ends a sentence, not the URL; unbalanced closing brackets too. */
function trimUrl(u: string): string {
  let s = u;
  for (;;) {
    const last = s[s.length - 1];
    if (last === undefined) return s;
    if ('.,;:!?\'"'.includes(last)) { s = s.slice(0, -1); continue; }
    if (last === ')' && count(s, '(') < count(s, ')')) { s = s.slice(0, -1); continue; }
    if (last === ']' && count(s, '[') < count(s, ']')) { s = s.slice(0, -1); continue; }
    return s;
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Host of an absolute URL ("" when missing, as in "http://:9093"); brackets kept off IPv6. */
export function urlHost(u: string): string {
  const start = u.indexOf('://');
  if (start === -1) return '';
  let rest = u.slice(start + 3);
  const end = rest.search(/[/?#]/);
  if (end !== -1) rest = rest.slice(0, end);
  const at = rest.lastIndexOf('@');
  if (at !== -1) rest = rest.slice(at + 1);
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    return close === -1 ? '' : rest.slice(1, close);
  }
  const colon = rest.indexOf(':');
  return (colon === -1 ? rest : rest.slice(0, colon)).toLowerCase();
}

/** A registrable public domain name (ICANN suffix, not an IP); lower-case, or undefined. */
export function publicDomain(candidate: string): string | undefined {
  const host = candidate.toLowerCase().replace(/\.$/, '');
  if (host.length > 253 || host.indexOf('.') === -1) return undefined;
  const p = parseDomain(host, { allowPrivateDomains: false, extractHostname: false, validateHostname: true });
  if (p.isIp || !p.isIcann || !p.domain || !p.publicSuffix) return undefined;
  return host;
}

function blank(s: string, from: number, to: number): string {
  return s.slice(0, from) + ' '.repeat(to - from) + s.slice(to);
}

function isHostChar(c: number): boolean {
  return c < 128 && ((CLASS[c] & ALNUM) !== 0 || c === 45 || c === 46);
}

const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD_RE = /^[A-Za-z][A-Za-z0-9-]{0,22}[A-Za-z0-9]$/;

/**
 * IPv4 addresses and domain names from maximal runs of [A-Za-z0-9.-] around each dot: one
 * linear pass (a regex would retry every start position inside every word).
 *  - not after a word char, "@", "/" or "\" ("Chrome/86.0.4240.198", "user@host.com", "C:\dir\a.exe");
 *  - IPv4: the whole run, so "1.2.3.4.5", "1.2.3.4-1.2.3.9" and "v1.2.3.4" are not read;
 *    not followed by "/digits" (CIDR) nor after a version word ("version 1.2.3.4");
 *  - domains: labels of 1-63 chars, an alphabetic TLD that tldts knows as a public suffix.
 */
function dottedTokens(text: string, push: (type: ObservableType, value: string) => void): void {
  const n = text.length;
  let dot = text.indexOf('.');
  while (dot !== -1) {
    let s = dot;
    while (s > 0 && isHostChar(text.charCodeAt(s - 1))) s--;
    let e = dot + 1;
    while (e < n && isHostChar(text.charCodeAt(e))) e++;
    const next = e;
    dot = text.indexOf('.', e);
    let end = e;
    while (end > s && text.charCodeAt(end - 1) === 46) end--; // a sentence-ending dot
    if (end - s < 4 || !notAfter(text, s, WORD | AT | SLASH)) continue;
    const after = next < n ? text.charCodeAt(next) : 0;
    if (after === 95 || after === 64) continue; // "_" or "@" continues a word or an address
    const token = text.slice(s, end);
    const c0 = token.charCodeAt(0);
    if (c0 >= 48 && c0 <= 57 && /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(token)) {
      if (after === 47 && next + 1 < n && text.charCodeAt(next + 1) >= 48 && text.charCodeAt(next + 1) <= 57) continue;
      if (precededByWord(text, s, VERSION_WORDS)) continue;
      const ip = parseIp(token);
      if (ip) push('ip', ip.canonical);
      continue;
    }
    const labels = token.split('.');
    if (labels.length > 11) continue;
    const tld = labels[labels.length - 1];
    if (!TLD_RE.test(tld) || !labels.every((l) => LABEL_RE.test(l))) continue;
    // "invoice.zip" is a file; "evil.example.zip" stays a domain.
    if (labels.length === 2 && FILE_LIKE_TLDS.has(tld.toLowerCase())) continue;
    const d = publicDomain(token);
    if (d) push('domain', d);
  }
}

const VERSION_WORDS = ['version', 'ver', 'build', 'release', 'firmware', 'fw', 'rev', 'revision', 'update', 'patch', 'v'];
const PEOPLE_WORDS = [
  'assigned to', 'assign to', 'assignee', 'assigned', 'assign', 'assignment', 'notify', 'notified', 'notification', 'notifications',
  'sent to', 'recipient', 'recipients', 'owner', 'on-call', 'oncall', 'escalated to', 'escalate to', 'escalation', 'analyst',
  'responder', 'email to', 'emailed to', 'e-mail to', 'e-mailed to', 'paged', 'page', 'cc', 'bcc', 'reply-to', 'to',
];

/**
 * Whether the text just before `index` ends with one of `words` (whole word, case-insensitive),
 * skipping separators. "to" counts only with a colon ("To: x@y"), as in mail headers.
 */
function precededByWord(text: string, index: number, words: readonly string[]): boolean {
  let i = index;
  let colon = false;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 58) colon = true;
    else if (c !== 32 && c !== 9 && c !== 61 && c !== 35 && c !== 34 && c !== 39 && c !== 60 && c !== 40) break;
    i--;
  }
  const w = text.slice(Math.max(0, i - 24), i).toLowerCase();
  for (const word of words) {
    if (!w.endsWith(word)) continue;
    const b = w.length - word.length - 1;
    if (b >= 0 && isHostChar(w.charCodeAt(b)) && w.charCodeAt(b) !== 46) continue;
    if (word === 'to' && !colon) continue;
    return true;
  }
  return false;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** MD5 / SHA-1 / SHA-256: a run of exactly 32, 40 or 64 hex digits between non-alphanumerics. */
function hexRuns(text: string, push: (type: ObservableType, value: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isHex(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isHex(text.charCodeAt(i))) i++;
    const len = i - start;
    // Skip the rest of a word that continues with other letters ("deadbeefcafe...xyz").
    const tail = i < n ? text.charCodeAt(i) : 0;
    const alnumAfter = tail < 128 && (CLASS[tail] & ALNUM) !== 0;
    if (alnumAfter) {
      while (i < n && text.charCodeAt(i) < 128 && (CLASS[text.charCodeAt(i)] & ALNUM) !== 0) i++;
      continue;
    }
    if ((len === 32 || len === 40 || len === 64) && notAfter(text, start, ALNUM)) {
      const h = text.slice(start, i).toLowerCase();
      if (!/^0+$/.test(h)) push(len === 32 ? 'hash:md5' : len === 40 ? 'hash:sha1' : 'hash:sha256', h);
    }
  }
}

/** All indicators in a free text, de-duplicated, canonical (IPs compressed, hashes lower-case). */
export function extractIocs(input: string): Ioc[] {
  if (typeof input !== 'string' || input.length < 4) return [];
  // Every indicator but a bare hash needs one of . : / \\ @ (defanged forms use [ ( { too).
  if (!/[.:/\\@[({]/.test(input)) {
    if (input.length < 32) return [];
    const hashes: Ioc[] = [];
    hexRuns(input, (type, value) => {
      if (!hashes.some((h) => h.value === value)) hashes.push({ type, value });
    });
    return hashes;
  }
  let text = refang(input.length > MAX_IOC_TEXT ? input.slice(0, MAX_IOC_TEXT) : input);
  const out: Ioc[] = [];
  const seen = new Set<string>();
  const push = (type: ObservableType, value: string): void => {
    const key = type + '\u0000' + value;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ type, value });
    }
  };

  // URLs first, then blank them so their host, path and query are not read again below.
  if (text.indexOf('://') !== -1) {
    for (const m of text.matchAll(URL_RE)) {
      const url = trimUrl(m[0]);
      const host = urlHost(url);
      if (host === '') continue;
      push('url', url);
      const ip = parseIp(host);
      if (ip) push('ip', ip.canonical);
      else {
        const d = publicDomain(host);
        if (d) push('domain', d);
      }
      text = blank(text, m.index, m.index + url.length);
    }
  }

  if (text.indexOf('@') !== -1) {
    for (const m of text.matchAll(EMAIL_RE)) {
      if (!notAfter(text, m.index, WORD | DOT | DASH | EMAIL_PUNCT)) continue;
      text = blank(text, m.index, m.index + m[0].length);
      if (precededByWord(text, m.index, PEOPLE_WORDS)) continue;
      const at = m[0].lastIndexOf('@');
      const domain = publicDomain(m[0].slice(at + 1));
      if (domain) push('email', m[0].slice(0, at) + '@' + domain);
    }
  }

  if (text.indexOf(':') !== -1) {
    for (const m of (text.indexOf(':') !== text.lastIndexOf(':') ? text.matchAll(IPV6_RE) : [])) {
      let cand = m[0];
      while (cand.endsWith('.')) cand = cand.slice(0, -1);
      const ip = parseIp(cand);
      if (ip && ip.canonical !== '::') push('ip', ip.canonical);
    }
    if (text.indexOf(':\\') !== -1) for (const m of text.matchAll(WIN_PATH_RE)) push('file', m[0].replace(/[.]+$/, ''));
  }
  if (text.indexOf('\\\\') !== -1) for (const m of text.matchAll(UNC_PATH_RE)) push('file', m[0]);
  if (text.indexOf('/') !== -1) {
    for (const m of text.matchAll(UNIX_PATH_RE)) push('file', m[0].replace(/[.]+$/, ''));
  }

  hexRuns(text, push);
  dottedTokens(text, push);
  return out;
}
