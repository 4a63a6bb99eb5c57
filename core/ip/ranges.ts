// Block- and allowlists of IPs and CIDRs compiled into sorted, non-overlapping ranges: a lookup
// is one binary search, O(log n), so a million-entry list answers in about a microsecond.
// Formats: one entry per line; "#" and ";" start comments (FireHOL netsets, Spamhaus DROP
// "1.2.3.0/24 ; SBL123"); Spamhaus DROP JSON lines ({"cidr": ..., "sblid": ...}); a-b ranges.
import { parseIp, type ParsedIp } from '../normalize/ip';
import { ipv4ToNumber } from './classify';

export interface ListEntrySource {
  /** The entry as written (CIDR, address or range). */
  entry: string;
  /** The comment on the same line (e.g. Spamhaus "SBL123"), if any. */
  comment?: string;
  line: number;
}

export interface ListMatch extends ListEntrySource {
  /** The list's name (its file name). */
  list: string;
}

export interface ListProblem {
  line: number;
  text: string;
  reason: string;
}

interface Parsed4 { start: number; end: number; src: ListEntrySource }
interface Parsed6 { start: bigint; end: bigint; src: ListEntrySource }

export interface ParsedNetwork {
  version: 4 | 6;
  /** First and last address: IPv4 as a number, IPv6 as a bigint. */
  start: number | bigint;
  end: number | bigint;
}

const V6_ALL = (1n << 128n) - 1n;

function bytesToBigInt(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Fixed-width hex: string order is numeric order, and strings compare fast. */
function hex6(v: bigint): string {
  return v.toString(16).padStart(32, '0');
}

function bytesToHex(bytes: readonly number[]): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}

/** "1.2.3.0/24", "2001:db8::/32", "1.2.3.4", "1.2.3.4-1.2.3.9"; IPv4-mapped IPv6 becomes IPv4. Throws with the reason. */
export function parseNetwork(text: string): ParsedNetwork {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = parseIp(text.slice(0, dash));
    const b = parseIp(text.slice(dash + 1));
    if (!a || !b) throw new Error('not a range of two addresses');
    if (a.version !== b.version) throw new Error('range mixes IPv4 and IPv6');
    const [s, e] = a.version === 4 ? [ipv4ToNumber(a.bytes), ipv4ToNumber(b.bytes)] : [bytesToBigInt(a.bytes), bytesToBigInt(b.bytes)];
    if (s > e) throw new Error('range ends before it starts');
    return { version: a.version, start: s, end: e };
  }
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const ip: ParsedIp | undefined = parseIp(addrText);
  if (!ip) throw new Error(`"${addrText}" is not an IPv4 or IPv6 address`);
  const wasMapped = ip.version === 4 && addrText.includes(':');
  let bits = ip.version === 4 ? 32 : 128;
  if (slash !== -1) {
    const lenText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText)) throw new Error(`prefix length "${lenText}" is not a number`);
    let len = Number(lenText);
    if (wasMapped) {
      if (len < 96 || len > 128) throw new Error(`prefix length /${len} of an IPv4-mapped address must be 96-128`);
      len -= 96;
    }
    if (len > bits) throw new Error(`prefix length /${len} is longer than ${bits} bits`);
    bits = len;
  }
  if (ip.version === 4) {
    const n = ipv4ToNumber(ip.bytes);
    const size = 2 ** (32 - bits);
    // Host bits set ("1.2.3.4/24") means the network, as routers and FireHOL read it.
    const start = n - (n % size);
    return { version: 4, start, end: start + size - 1 };
  }
  const v = bytesToBigInt(ip.bytes);
  const hostMask = bits === 128 ? 0n : (1n << BigInt(128 - bits)) - 1n;
  const start = v & (V6_ALL ^ hostMask);
  return { version: 6, start, end: start | hostMask };
}

/**
 * "a.b.c.d" or "a.b.c.d/n" straight to numbers, without allocating: big lists are mostly
 * that. undefined for anything else (the general parser then decides, and words the error).
 */
function fastIPv4(entry: string): [number, number] | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  const len = entry.length;
  for (; i < len; i++) {
    const c = entry.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return undefined; // leading zero: let the strict parser refuse it
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else if (c === 46 && digits && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else break;
  }
  if (dots !== 3 || !digits) return undefined;
  value = value * 256 + part;
  let bits = 32;
  if (i < len) {
    if (entry.charCodeAt(i) !== 47 || i + 1 >= len || len - i - 1 > 2) return undefined;
    bits = 0;
    for (let j = i + 1; j < len; j++) {
      const c = entry.charCodeAt(j);
      if (c < 48 || c > 57) return undefined;
      bits = bits * 10 + (c - 48);
    }
    if (bits > 32) return undefined;
  }
  const size = 2 ** (32 - bits);
  const start = value - (value % size);
  return [start, start + size - 1];
}

// Control characters, DEL, C1 and the replacement character (what bytes that are not UTF-8 read as).
const UNPRINTABLE_RE = /[\u0000-\u001f\u007f-\u009f\ufffd]/g;

/**
 * A line of a list as it may be quoted in a log: unprintable characters escaped (\x00, \ufffd),
 * cut to `max` characters, so a binary file cannot write raw bytes into the Node-RED log.
 */
export function printable(text: string, max = 60): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(UNPRINTABLE_RE, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
  return escaped + (text.length > max ? '…' : '');
}

/** One list file's text → entries and the lines that are not entries (with why). */
export function parseList(text: string): { v4: Parsed4[]; v6: Parsed6[]; problems: ListProblem[] } {
  const v4: Parsed4[] = [];
  const v6: Parsed6[] = [];
  const problems: ListProblem[] = [];
  let lineNo = 0;
  let pos = 0;
  const len = text.length;
  while (pos <= len) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = len;
    let line = text.slice(pos, nl);
    pos = nl + 1;
    lineNo++;
    let comment: string | undefined;
    let entry: string;
    line = line.trim();
    if (line === '') { if (nl === len) break; continue; }
    if (line.charCodeAt(0) === 123 /* { */) {
      // Spamhaus DROP JSON: {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}; the last line is metadata.
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line) as Record<string, unknown>;
      } catch {
        problems.push({ line: lineNo, text: printable(line), reason: 'not valid JSON' });
        continue;
      }
      if (typeof obj.cidr !== 'string') continue;
      entry = obj.cidr;
      if (typeof obj.sblid === 'string') comment = obj.sblid;
    } else {
      const hash = line.indexOf('#');
      const semi = line.indexOf(';');
      const cut = hash === -1 ? semi : semi === -1 ? hash : Math.min(hash, semi);
      if (cut !== -1) {
        const c = line.slice(cut + 1).trim();
        if (c) comment = c;
        line = line.slice(0, cut).trim();
      }
      if (line === '') continue;
      // Some lists add columns after the network ("1.2.3.0/24 SBL123", hosts files "0.0.0.0 host").
      const space = line.search(/\s/);
      entry = space === -1 ? line : line.slice(0, space);
      if (space !== -1 && !comment) comment = line.slice(space).trim();
    }
    const quick = fastIPv4(entry);
    if (quick) {
      v4.push({ start: quick[0], end: quick[1], src: comment ? { entry, line: lineNo, comment } : { entry, line: lineNo } });
      continue;
    }
    try {
      const net = parseNetwork(entry);
      const src: ListEntrySource = { entry, line: lineNo, ...(comment ? { comment } : {}) };
      if (net.version === 4) v4.push({ start: net.start as number, end: net.end as number, src });
      else v6.push({ start: net.start as bigint, end: net.end as bigint, src });
    } catch (err) {
      // The reason quotes the entry too: escaped like the text.
      problems.push({ line: lineNo, text: printable(entry), reason: printable((err as Error).message, 120) });
    }
  }
  return { v4, v6, problems };
}

/**
 * Sort by start, then make the ranges disjoint: a range inside an earlier one is dropped (the
 * earlier one answers for it), a partial overlap is cut to its new part. So every address
 * maps to an entry that really contains it, and one binary search finds it.
 */
function disjoint<T extends number | bigint>(items: Array<{ start: T; end: T; src: ListEntrySource }>, next: (v: T) => T): Array<{ start: T; end: T; src: ListEntrySource }> {
  items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : 0));
  const out: Array<{ start: T; end: T; src: ListEntrySource }> = [];
  for (const it of items) {
    const last = out[out.length - 1];
    if (last && it.end <= last.end) continue;
    if (last && it.start <= last.end) out.push({ start: next(last.end), end: it.end, src: it.src });
    else out.push(it);
  }
  return out;
}

/**
 * disjoint() for IPv4, built for million-entry lists: sorts start*2^21+index keys in a
 * Float64Array (exact below 2^53; native numeric sort) instead of objects with a comparator.
 * Equal starts keep file order; the sweep's cut keeps every address on an entry containing it.
 */
function disjoint4(items: Parsed4[]): [Uint32Array, Uint32Array, ListEntrySource[]] {
  if (items.length >= 2 ** 21) return fromRanges(disjoint(items, (v: number) => v + 1));
  const keys = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) keys[i] = items[i].start * 2097152 + i;
  keys.sort();
  const starts = new Uint32Array(items.length);
  const ends = new Uint32Array(items.length);
  const src: ListEntrySource[] = [];
  let n = 0;
  for (let k = 0; k < keys.length; k++) {
    const it = items[keys[k] % 2097152];
    const lastEnd = n ? ends[n - 1] : -1;
    if (n && it.end <= lastEnd) continue;
    starts[n] = n && it.start <= lastEnd ? lastEnd + 1 : it.start;
    ends[n] = it.end;
    src.push(it.src);
    n++;
  }
  return [starts.slice(0, n), ends.slice(0, n), src];
}

function fromRanges(r: Parsed4[]): [Uint32Array, Uint32Array, ListEntrySource[]] {
  return [Uint32Array.from(r, (x) => x.start), Uint32Array.from(r, (x) => x.end), r.map((x) => x.src)];
}

/** A compiled list: immutable; lookups are binary searches over typed arrays. */
export class RangeList {
  readonly name: string;
  /** Entries read (before overlaps were merged). */
  readonly entries: number;
  /** Lines that were not entries. */
  readonly problems: readonly ListProblem[];
  private readonly starts4: Uint32Array;
  private readonly ends4: Uint32Array;
  private readonly src4: ListEntrySource[];
  private readonly starts6: string[];
  private readonly ends6: string[];
  private readonly src6: ListEntrySource[];

  constructor(name: string, text: string) {
    this.name = name;
    const parsed = parseList(text);
    this.entries = parsed.v4.length + parsed.v6.length;
    this.problems = parsed.problems;
    [this.starts4, this.ends4, this.src4] = disjoint4(parsed.v4);
    const r6 = disjoint(parsed.v6, (v: bigint) => v + 1n);
    this.starts6 = r6.map((r) => hex6(r.start));
    this.ends6 = r6.map((r) => hex6(r.end));
    this.src6 = r6.map((r) => r.src);
  }

  /** Disjoint ranges after compiling. */
  get ranges(): number {
    return this.starts4.length + this.starts6.length;
  }

  lookup(ip: ParsedIp): ListMatch | undefined {
    if (ip.version === 4) {
      const n = ipv4ToNumber(ip.bytes);
      const i = lastAtOrBelow(this.starts4, n);
      return i >= 0 && n <= this.ends4[i] ? { list: this.name, ...this.src4[i] } : undefined;
    }
    const h = bytesToHex(ip.bytes);
    const i = lastAtOrBelow(this.starts6, h);
    return i >= 0 && h <= this.ends6[i] ? { list: this.name, ...this.src6[i] } : undefined;
  }
}

/** Index of the last element <= value, or -1. */
function lastAtOrBelow<T extends number | string>(sorted: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
