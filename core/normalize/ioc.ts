// Indicators of compromise from free text (messages, descriptions, raw log lines).
// Every pattern is linear: bounded quantifiers, label-by-label domains, look-behinds that stop a
// match from starting inside a word, so a long hostile string costs O(n), never a backtracking blow-up.
import { parse as parseDomain } from 'tldts';
import type { ObservableType } from '../model/types';
import { parseIp, type ParsedIp } from './ip';

export interface Ioc {
  type: ObservableType;
  value: string;
}

/** Longest text scanned; alerts with larger free text are scanned on their first part only. */
export const MAX_IOC_TEXT = 256 * 1024;

// Every defanged form holds one of these (a mixed-case "hXxp" alone is left as it is).
const REFANG_MAYBE = /[[({]|xx|XX|\*\*/;

// Defanged forms: hxxp://, h**p://, evil[.]com, evil(dot)com, user[@]evil.com, 1.2.3[.]4, http[:]//
export function refang(text: string): string {
  // One cheap native check first: most text has no brackets and no "xx"/"**" at all.
  if (!REFANG_MAYBE.test(text)) return text;
  // One hand-written pass rather than a chain of String.replace calls, whose fixed cost was most
  // of the time on alert-sized text. It gives what the chain gave, applied in this order:
  //   .replace(/\b(?:hxxp|h\*\*p)(s?)(?=:|\[:)/gi, 'http$1')
  //   .replace(/\[:\/\/\]/g, '://').replace(/\[:\]/g, ':')
  //   .replace(/\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\})\s?/gi, '.')
  //   .replace(/\s?(?:\[@\]|\(@\)|\[at\]|\(at\))\s?/gi, '@')
  // The steps touch disjoint characters and none makes or breaks a match of a later one, so one
  // left-to-right pass is the same; a white space taken by one token is not taken again.
  // Candidates come from native searches (indexOf, a small regex): a JavaScript loop over every
  // character cost more than the rest of the pass.
  let sq = text.indexOf('[');
  let par = text.indexOf('(');
  let brace = text.indexOf('{');
  let h = nextHxxp(text, 0);
  let out = '';
  let last = 0;
  for (;;) {
    let i = sq;
    if (par !== -1 && (i === -1 || par < i)) i = par;
    if (brace !== -1 && (i === -1 || brace < i)) i = brace;
    if (h !== -1 && (i === -1 || h < i)) i = h;
    if (i === -1) break;
    let from = i;
    let to = -1;
    let by = '';
    if (i === h) {
      const len = hxxpAt(text, i);
      if (len !== 0) {
        by = len === 5 ? 'http' + text[i + 4] : 'http';
        to = i + len;
      }
    } else {
      let len = dotTokenAt(text, i);
      by = '.';
      if (len === 0) {
        len = atTokenAt(text, i);
        by = '@';
      }
      if (len !== 0) {
        if (i > last && isSpace(text.charCodeAt(i - 1))) from = i - 1;
        to = i + len;
        if (to < text.length && isSpace(text.charCodeAt(to))) to++;
      } else if (i === sq && text.charCodeAt(i + 1) === 58 && text.charCodeAt(i + 2) === 93) {
        by = ':';
        to = i + 3;
      } else if (i === sq && text.startsWith('[://]', i)) {
        by = '://';
        to = i + 5;
      }
    }
    if (to !== -1) {
      out += text.slice(last, from) + by;
      last = to;
    }
    const next = to !== -1 ? to : i + 1;
    if (sq !== -1 && sq < next) sq = text.indexOf('[', next);
    if (par !== -1 && par < next) par = text.indexOf('(', next);
    if (brace !== -1 && brace < next) brace = text.indexOf('{', next);
    if (h !== -1 && h < next) h = nextHxxp(text, next);
  }
  return last === 0 ? text : out + text.slice(last);
}

const HXXP_RE = /h(?:xx|\*\*)p/gi;

/** Index of the next "hxxp" / "h**p" (any case) from `from`, or -1. */
function nextHxxp(text: string, from: number): number {
  HXXP_RE.lastIndex = from;
  return HXXP_RE.test(text) ? HXXP_RE.lastIndex - 4 : -1;
}

/** The characters of JavaScript's regex \s. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0x2000) return c === 0xa0 || c === 0x1680;
  return c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** ":" or "[:" at i. */
function colonAt(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  return c === 58 || (c === 91 && t.charCodeAt(i + 1) === 58);
}

/** Length of /\b(?:hxxp|h\*\*p)s?(?=:|\[:)/i at i (4 or 5), else 0. */
function hxxpAt(t: string, i: number): number {
  if ((t.charCodeAt(i) | 32) !== 104) return 0;
  const c1 = t.charCodeAt(i + 1);
  const c2 = t.charCodeAt(i + 2);
  if (!(((c1 | 32) === 120 && (c2 | 32) === 120) || (c1 === 42 && c2 === 42)) || (t.charCodeAt(i + 3) | 32) !== 112) return 0;
  if (i > 0 && isWordChar(t.charCodeAt(i - 1))) return 0;
  if ((t.charCodeAt(i + 4) | 32) === 115 && colonAt(t, i + 5)) return 5;
  return colonAt(t, i + 4) ? 4 : 0;
}

function isWordChar(c: number): boolean {
  return c < 128 && (CLASS[c] & WORD) !== 0;
}

/** Closing bracket for an opening one ("{" only when `braces`), else 0. */
function closerOf(c: number, braces: boolean): number {
  return c === 91 ? 93 : c === 40 ? 41 : c === 123 && braces ? 125 : 0;
}

/** Length of [.] (.) {.} [dot] (dot) {dot} (any case) at i, else 0. */
function dotTokenAt(t: string, i: number): number {
  const close = closerOf(t.charCodeAt(i), true);
  if (close === 0) return 0;
  const c1 = t.charCodeAt(i + 1);
  if (c1 === 46) return t.charCodeAt(i + 2) === close ? 3 : 0;
  return (c1 | 32) === 100 && (t.charCodeAt(i + 2) | 32) === 111 && (t.charCodeAt(i + 3) | 32) === 116 && t.charCodeAt(i + 4) === close ? 5 : 0;
}

/** Length of [@] (@) [at] (at) (any case) at i, else 0. */
function atTokenAt(t: string, i: number): number {
  const close = closerOf(t.charCodeAt(i), false);
  if (close === 0) return 0;
  const c1 = t.charCodeAt(i + 1);
  if (c1 === 64) return t.charCodeAt(i + 2) === close ? 3 : 0;
  return (c1 | 32) === 97 && (t.charCodeAt(i + 2) | 32) === 116 && t.charCodeAt(i + 3) === close ? 4 : 0;
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

/** Index of the first `ch` in s from `from` if it is before `limit`, else `limit`. */
function firstOf(s: string, ch: string, from: number, limit: number): number {
  const i = s.indexOf(ch, from);
  return i !== -1 && i < limit ? i : limit;
}

// The last urlHost answer: the collector asks again for the URL the extractor just read.
let lastUrl = '';
let lastUrlHost = '';

/** Host of an absolute URL ("" when missing, as in "http://:9093"); brackets kept off IPv6. */
export function urlHost(u: string): string {
  if (u === lastUrl) return lastUrlHost;
  const host = readUrlHost(u);
  lastUrl = u;
  lastUrlHost = host;
  return host;
}

function readUrlHost(u: string): string {
  const start = u.indexOf('://');
  if (start === -1) return '';
  // Worked on offsets into u: the authority runs from after "://" to the first / ? or #.
  let from = start + 3;
  const end = firstOf(u, '/', from, firstOf(u, '?', from, firstOf(u, '#', from, u.length)));
  const at = u.lastIndexOf('@', end - 1);
  if (at >= from) from = at + 1;
  if (u.charCodeAt(from) === 91 && from < end) { // [v6]
    const close = u.indexOf(']', from);
    return close === -1 || close >= end ? '' : u.slice(from + 1, close);
  }
  const colon = u.indexOf(':', from);
  return u.slice(from, colon === -1 || colon >= end ? end : colon).toLowerCase();
}

// A host of only digits, dots and hex letters / "x" may be an IPv4 that RFC 3986 would call a
// name but browsers (WHATWG URL) go to: 0x51.0x2.0x45.0x8e, 1359103374, 0121.2.69.142.
const NUMERIC_HOST_RE = /^[0-9][0-9a-fx.]{0,63}$/;

/**
 * The IP a URL host names: a literal, or an IPv4 written in hex, octal or as one number,
 * read as the WHATWG URL parser (and so a browser) reads it.
 */
export function urlHostIp(host: string): ParsedIp | undefined {
  const literal = parseIp(host);
  if (literal || !NUMERIC_HOST_RE.test(host)) return literal;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    return undefined; // "0x1g.2": not a host at all
  }
  if (hostname === host) return undefined;
  // A small number ("http://64:ff9b::1" cut at its colon, "http://8080/") reads as 0.0.0.x:
  // "this network", never a real destination, so a counter rather than an address.
  const ip = parseIp(hostname);
  return ip && ip.bytes[0] !== 0 ? ip : undefined;
}

// Verdicts of publicDomain by candidate (null: not one). Hosts repeat across one sender's alerts,
// and a URL's host is asked twice (extractor, then collector); cleared when full.
const domainCache = new Map<string, string | null>();
const DOMAIN_CACHE_MAX = 4096;

/** A registrable public domain name (ICANN suffix, not an IP); lower-case, or undefined. */
export function publicDomain(candidate: string): string | undefined {
  const cacheable = candidate.length <= 256;
  if (cacheable) {
    const hit = domainCache.get(candidate);
    if (hit !== undefined) return hit ?? undefined;
  }
  const d = lookupPublicDomain(candidate);
  if (cacheable) {
    if (domainCache.size >= DOMAIN_CACHE_MAX) domainCache.clear();
    domainCache.set(candidate, d ?? null);
  }
  return d;
}

function lookupPublicDomain(candidate: string): string | undefined {
  const lower = candidate.toLowerCase();
  const host = lower.endsWith('.') ? lower.slice(0, -1) : lower;
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

/**
 * At most 11 labels, each /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, the last one (the
 * TLD) /^[A-Za-z][A-Za-z0-9-]{0,22}[A-Za-z0-9]$/; `t` holds only [A-Za-z0-9.-].
 */
function isDomainShape(t: string): boolean {
  let start = 0;
  for (let labels = 1; ; labels++) {
    const dot = t.indexOf('.', start);
    const end = dot === -1 ? t.length : dot;
    const len = end - start;
    if (len < 1 || len > 63 || t.charCodeAt(start) === 45 || t.charCodeAt(end - 1) === 45) return false;
    if (dot === -1) {
      const first = t.charCodeAt(start) | 32;
      return len >= 2 && len <= 24 && first >= 97 && first <= 122;
    }
    if (labels === 11) return false;
    start = dot + 1;
  }
}

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
    if (isDottedQuad(token)) {
      if (after === 47 && next + 1 < n && text.charCodeAt(next + 1) >= 48 && text.charCodeAt(next + 1) <= 57) continue;
      if (precededByWord(text, s, VERSION_WORDS)) continue;
      const ip = parseIp(token);
      if (ip) push('ip', ip.canonical);
      continue;
    }
    if (!isDomainShape(token)) continue;
    // "invoice.zip" is a file; "evil.example.zip" stays a domain.
    const lastDot = token.lastIndexOf('.');
    if (token.indexOf('.') === lastDot && FILE_LIKE_TLDS.has(token.slice(lastDot + 1).toLowerCase())) continue;
    const d = publicDomain(token);
    if (d) push('domain', d);
  }
}

/** /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/ (the shape only; parseIp checks the ranges). */
function isDottedQuad(t: string): boolean {
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
    } else if (c === 46 && digits > 0 && dots < 3) {
      dots++;
      digits = 0;
    } else {
      return false;
    }
  }
  return dots === 3 && digits > 0;
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
  for (const word of words) {
    const from = i - word.length;
    if (from < 0 || !lowerEquals(text, from, word)) continue;
    if (from > 0) {
      // Compared as toLowerCase() would see it: the Kelvin sign is a "k", so a host character.
      const b = text.charCodeAt(from - 1);
      if ((isHostChar(b) && b !== 46) || b === 0x212a) continue;
    }
    if (word === 'to' && !colon) continue;
    return true;
  }
  return false;
}

/** Whether text at `from` reads `word` (lower-case ASCII) once lower-cased. */
function lowerEquals(text: string, from: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    let c = text.charCodeAt(from + k);
    if (c >= 65 && c <= 90) c += 32;
    else if (c === 0x212a) c = 107; // Kelvin sign lower-cases to "k"
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * MD5 / SHA-1 / SHA-256: a maximal run of exactly 32, 40 or 64 hex digits, between characters
 * that are not ASCII letters or digits. Only runs of 32 or more count, so one character in 32 is
 * probed and only a hex one is looked around: free text is mostly skipped unread.
 */
function hexRuns(text: string, push: (type: ObservableType, value: string) => void): void {
  const n = text.length;
  let p = 31;
  while (p < n) {
    if (!isHex(text.charCodeAt(p))) {
      p += 32;
      continue;
    }
    // The run holding p; it cannot reach back past the last probe, which was not hex.
    let start = p;
    while (start > 0 && isHex(text.charCodeAt(start - 1))) start--;
    let end = p + 1;
    while (end < n && isHex(text.charCodeAt(end))) end++;
    const len = end - start;
    if ((len === 32 || len === 40 || len === 64) && notAfter(text, start, ALNUM) && (end === n || !isAlnum(text.charCodeAt(end)))) {
      const h = text.slice(start, end).toLowerCase();
      if (!/^0+$/.test(h)) push(len === 32 ? 'hash:md5' : len === 40 ? 'hash:sha1' : 'hash:sha256', h);
    }
    // The next run starts after `end` (not hex); to be long enough it covers end + 32.
    p = end + 32;
  }
}

function isAlnum(c: number): boolean {
  return c < 128 && (CLASS[c] & ALNUM) !== 0;
}

/**
 * The next match of a global regex whose every match holds `mark` at most `before` characters
 * after its start: the search starts there, and stops at once when no mark is left.
 */
function nextNear(re: RegExp, src: string, mark: string, before: number): RegExpExecArray | null {
  const at = src.indexOf(mark, re.lastIndex);
  if (at === -1) return null;
  re.lastIndex = Math.max(re.lastIndex, at - before);
  return re.exec(src);
}

/** The texts of every match of a global regex that never matches the empty string. */
function allMatches(re: RegExp, text: string): string[] {
  const found: string[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) found.push(m[0]);
  return found;
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
  // Most texts hold a few indicators: compare in place, and key a Set only past a few.
  let seen: Set<string> | undefined;
  const push = (type: ObservableType, value: string): void => {
    if (seen === undefined) {
      for (let k = 0; k < out.length; k++) if (out[k].value === value && out[k].type === type) return;
      out.push({ type, value });
      if (out.length === 16) seen = new Set(out.map((o) => o.type + '\u0000' + o.value));
      return;
    }
    const key = type + '\u0000' + value;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ type, value });
    }
  };

  // URLs first, then blank them so their host, path and query are not read again below.
  // Plain exec loops over the text as it was before each loop: matchAll clones the regex per call.
  if (text.indexOf('://') !== -1) {
    const src = text;
    URL_RE.lastIndex = 0;
    for (let m = nextNear(URL_RE, src, '://', 5); m !== null; m = nextNear(URL_RE, src, '://', 5)) {
      const url = trimUrl(m[0]);
      const host = urlHost(url);
      if (host === '') continue;
      push('url', url);
      const ip = urlHostIp(host);
      if (ip) push('ip', ip.canonical);
      else {
        const d = publicDomain(host);
        if (d) push('domain', d);
      }
      text = blank(text, m.index, m.index + url.length);
    }
  }

  if (text.indexOf('@') !== -1) {
    const src = text;
    EMAIL_RE.lastIndex = 0;
    for (let m = nextNear(EMAIL_RE, src, '@', 64); m !== null; m = nextNear(EMAIL_RE, src, '@', 64)) {
      if (!notAfter(text, m.index, WORD | DOT | DASH | EMAIL_PUNCT)) continue;
      text = blank(text, m.index, m.index + m[0].length);
      if (precededByWord(text, m.index, PEOPLE_WORDS)) continue;
      const at = m[0].lastIndexOf('@');
      const domain = publicDomain(m[0].slice(at + 1));
      if (domain) push('email', m[0].slice(0, at) + '@' + domain);
    }
  }

  if (text.indexOf(':') !== -1) {
    if (text.indexOf(':') !== text.lastIndexOf(':')) {
      for (const cand0 of allMatches(IPV6_RE, text)) {
        let cand = cand0;
        while (cand.endsWith('.')) cand = cand.slice(0, -1);
        const ip = parseIp(cand);
        if (ip && ip.canonical !== '::') push('ip', ip.canonical);
      }
    }
    if (text.indexOf(':\\') !== -1) for (const m of allMatches(WIN_PATH_RE, text)) push('file', m.replace(/[.]+$/, ''));
  }
  if (text.indexOf('\\\\') !== -1) for (const m of allMatches(UNC_PATH_RE, text)) push('file', m);
  if (text.indexOf('/') !== -1) {
    for (const m of allMatches(UNIX_PATH_RE, text)) push('file', m.replace(/[.]+$/, ''));
  }

  hexRuns(text, push);
  dottedTokens(text, push);
  return out;
}
