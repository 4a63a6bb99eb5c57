// Turns the payload (Buffer, string or already-parsed object) into text lines or JSON values,
// enforcing the size, binary and depth limits before any parser sees it.
import { AlertFormatError } from './errors';

export type Decoded =
  // parsed: the values come from JSON.parse (plain objects, own enumerable keys only).
  | { kind: 'json'; values: unknown[]; parsed: boolean }
  | { kind: 'text'; text: string };

export interface Limits {
  maxBytes: number;
  maxDepth: number;
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

function tooLarge(size: number, max: number): AlertFormatError {
  return new AlertFormatError('too-large', `payload of ${size} bytes exceeds the limit of ${max} bytes`);
}

/** NUL bytes, compressed data or mostly control characters: not a text alert. */
function checkBinaryBytes(b: Uint8Array): void {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    throw new AlertFormatError('binary', 'payload is gzip-compressed binary data; decompress it before normalizing');
  }
  const nul = b.indexOf(0);
  if (nul !== -1) throw new AlertFormatError('binary', `payload is binary (NUL byte at offset ${nul})`);
  const n = Math.min(b.length, 1024);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11 && c !== 27) control++;
  }
  if (control > n / 10) throw new AlertFormatError('binary', 'payload is binary (too many control bytes for text)');
}

function checkBinaryText(s: string): void {
  const nul = s.indexOf('\u0000');
  if (nul !== -1) throw new AlertFormatError('binary', `payload is binary (NUL character at offset ${nul})`);
  const n = Math.min(s.length, 1024);
  let control = 0;
  let replacement = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11 && c !== 27) control++;
    else if (c === 0xfffd) replacement++;
  }
  if (control > n / 10) throw new AlertFormatError('binary', 'payload is binary (too many control characters for text)');
  // Invalid UTF-8 decodes to U+FFFD; a few are text from a sloppy source, many are binary.
  if (replacement > 16 && replacement > n / 4) throw new AlertFormatError('binary', 'payload is not UTF-8 text');
}

/** Line and column (1-based) of a character offset, for error messages. */
function lineCol(s: string, pos: number): string {
  let line = 1;
  let last = -1;
  for (let i = s.indexOf('\n'); i !== -1 && i < pos; i = s.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `line ${line}, column ${pos - last}`;
}

/**
 * Rejects nesting deeper than maxDepth by counting brackets outside strings, before JSON.parse
 * (a 100000-deep payload would otherwise be parsed, then walked recursively).
 */
export function checkJsonDepth(s: string, maxDepth: number): void {
  // Deeper than maxDepth takes more than maxDepth opening brackets: most payloads have far fewer,
  // and counting them natively costs a fraction of the scan below.
  if (countUpTo(s, '{', maxDepth) + countUpTo(s, '[', maxDepth) <= maxDepth) return;
  let depth = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      // Jump to the closing quote natively: a quote after an odd run of backslashes is escaped.
      let j = s.indexOf('"', i + 1);
      while (j !== -1) {
        let k = j - 1;
        while (s.charCodeAt(k) === 92) k--;
        if (((j - 1 - k) & 1) === 0) break;
        j = s.indexOf('"', j + 1);
      }
      if (j === -1) return; // unterminated string: JSON.parse reports it with its position
      i = j;
    } else if (c === 123 || c === 91) {
      if (++depth > maxDepth) {
        throw new AlertFormatError('too-deep', `JSON nesting deeper than ${maxDepth} levels at position ${i} (${lineCol(s, i)})`);
      }
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
}

/** Occurrences of `ch` in s, counted up to limit + 1. */
function countUpTo(s: string, ch: string, limit: number): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1 && n <= limit; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first JSON syntax error (V8 does not always say), or -1 when the text is valid. */
export function jsonErrorPosition(s: string): number {
  const stack: number[] = []; // 0 array, 1 object
  type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd' | 'done';
  let expect: Expect = 'value';
  const n = s.length;
  let i = 0;
  const after = (): Expect => (stack.length ? 'commaOrEnd' : 'done');
  const scanString = (from: number): number => {
    for (let j = from + 1; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c < 32) return -j - 1;
      if (c === 92) {
        const e = s[j + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) return -j - 1;
          j += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
        else return -j - 1;
      }
    }
    return -n - 1;
  };
  for (;;) {
    while (i < n && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
    if (i >= n) return expect === 'done' ? -1 : n;
    const c = s[i];
    switch (expect) {
      case 'done':
        return i;
      case 'colon':
        if (c !== ':') return i;
        i++;
        expect = 'value';
        continue;
      case 'commaOrEnd': {
        const top = stack[stack.length - 1];
        if (c === ',') { i++; expect = top === 1 ? 'key' : 'value'; continue; }
        if ((c === ']' && top === 0) || (c === '}' && top === 1)) { stack.pop(); i++; expect = after(); continue; }
        return i;
      }
      case 'key':
      case 'keyOrEnd': {
        if (expect === 'keyOrEnd' && c === '}') { stack.pop(); i++; expect = after(); continue; }
        if (c !== '"') return i;
        const j = scanString(i);
        if (j < 0) return -j - 1;
        i = j;
        expect = 'colon';
        continue;
      }
      default: {
        if (expect === 'valueOrEnd' && c === ']') { stack.pop(); i++; expect = after(); continue; }
        if (c === '{') { stack.push(1); i++; expect = 'keyOrEnd'; continue; }
        if (c === '[') { stack.push(0); i++; expect = 'valueOrEnd'; continue; }
        if (c === '"') {
          const j = scanString(i);
          if (j < 0) return -j - 1;
          i = j;
          expect = after();
          continue;
        }
        NUMBER_RE.lastIndex = i;
        const m = NUMBER_RE.exec(s);
        if (m) { i += m[0].length; expect = after(); continue; }
        const lit = s.startsWith('true', i) ? 4 : s.startsWith('false', i) ? 5 : s.startsWith('null', i) ? 4 : 0;
        if (lit === 0) return i;
        i += lit;
        expect = after();
      }
    }
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(msg);
    let pos = m ? Number(m[1]) : jsonErrorPosition(s);
    if (pos < 0) pos = s.length;
    // V8 echoes the payload in some messages: keep only the reason.
    const reason = msg.replace(/,\s*"[\s\S]*" is not valid JSON$/, '').replace(/\s*in JSON at position \d+.*$/, '').trim();
    throw new AlertFormatError('invalid-json', `invalid JSON at position ${pos} (${lineCol(s, pos)}): ${reason}`);
  }
}

/** Newline-delimited JSON (Suricata eve.json, Zeek JSON logs): one object per line. */
function parseNdjson(s: string): unknown[] | undefined {
  const lines = s.split(/\r?\n/);
  const values: unknown[] = [];
  let nonEmpty = 0;
  for (const line of lines) {
    const t = line.trim();
    if (t === '') continue;
    nonEmpty++;
    if (t[0] !== '{') return undefined;
  }
  if (nonEmpty < 2) return undefined;
  let lineNo = 0;
  for (const line of lines) {
    lineNo++;
    const t = line.trim();
    if (t === '') continue;
    try {
      values.push(JSON.parse(t));
    } catch (e) {
      const err = e instanceof Error ? e.message : String(e);
      throw new AlertFormatError('invalid-json', `invalid JSON on line ${lineNo}: ${err.replace(/,\s*"[\s\S]*" is not valid JSON$/, '')}`);
    }
  }
  return values;
}

/** Depth and size of an already-parsed payload, iteratively; shared sub-objects are walked once. */
function checkObject(root: object, limits: Limits): void {
  const seen = new WeakSet<object>();
  const stack: Array<[unknown, number]> = [[root, 1]];
  let bytes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v === 'string') {
      bytes += v.length + 2;
    } else if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) continue;
      seen.add(v);
      if (depth > limits.maxDepth) throw new AlertFormatError('too-deep', `payload object nesting deeper than ${limits.maxDepth} levels`);
      if (Buffer.isBuffer(v)) { bytes += v.length; continue; }
      if (Array.isArray(v)) {
        for (const x of v) stack.push([x, depth + 1]);
        bytes += 2 + v.length;
      } else {
        for (const k of Object.keys(v)) {
          bytes += k.length + 4;
          stack.push([(v as Record<string, unknown>)[k], depth + 1]);
        }
      }
    } else {
      bytes += 8;
    }
    if (bytes > limits.maxBytes) throw tooLarge(bytes, limits.maxBytes);
  }
}

/** text.search(/\S/) without a regex call: the first character is nearly always it. */
function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c < 128 ? c === 32 || (c >= 9 && c <= 13) : /\s/.test(text[i]);
    if (!space) return i;
  }
  return -1;
}

/** Object.keys(o).length === 0, without building the array. */
function hasNoKeys(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

export function decodePayload(payload: unknown, limits: Limits): Decoded {
  if (payload === null || payload === undefined) throw new AlertFormatError('empty', 'payload is empty');
  let text: string;
  if (typeof payload === 'string') {
    // UTF-16 length bounds the UTF-8 size: count exactly only near the limit.
    if (payload.length * 3 > limits.maxBytes) {
      const size = Buffer.byteLength(payload, 'utf8');
      if (size > limits.maxBytes) throw tooLarge(size, limits.maxBytes);
    }
    text = payload;
  } else if (payload instanceof Uint8Array) {
    if (payload.length > limits.maxBytes) throw tooLarge(payload.length, limits.maxBytes);
    checkBinaryBytes(payload);
    text = decoder.decode(payload);
  } else if (typeof payload === 'object') {
    if (Array.isArray(payload) && payload.length === 0) throw new AlertFormatError('empty', 'payload is an empty array');
    if (!Array.isArray(payload) && hasNoKeys(payload)) throw new AlertFormatError('empty', 'payload is an empty object');
    checkObject(payload, limits);
    return { kind: 'json', values: Array.isArray(payload) ? payload : [payload], parsed: false };
  } else {
    throw new AlertFormatError('bad-record', `payload is a ${typeof payload}, not an alert (expected text, a Buffer or an object)`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const start = firstNonSpace(text);
  if (start === -1) throw new AlertFormatError('empty', 'payload is empty (whitespace only)');
  const first = text[start];
  if (first !== '{' && first !== '[') {
    checkBinaryText(text);
    return { kind: 'text', text };
  }
  // JSON.parse refuses raw control characters itself; only NUL gets the clearer "binary" code.
  const nul = text.indexOf('\u0000');
  if (nul !== -1) throw new AlertFormatError('binary', `payload is binary (NUL character at offset ${nul})`);
  checkJsonDepth(text, limits.maxDepth);
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (e) {
    const nd = first === '{' && text.indexOf('\n', start) !== -1 ? parseNdjson(text) : undefined;
    if (!nd) throw e;
    return { kind: 'json', values: nd, parsed: true };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new AlertFormatError('empty', 'payload is an empty JSON array');
    return { kind: 'json', values: value, parsed: true };
  }
  if (typeof value === 'object' && value !== null && hasNoKeys(value)) {
    throw new AlertFormatError('empty', 'payload is an empty JSON object');
  }
  return { kind: 'json', values: [value], parsed: true };
}
