// The embedded log backend: local files (a directory, a file, or a glob in the file name),
// JSON lines, syslog and plain text, rotated (.1, .2.gz, -20260210) and gzip-compressed ones
// included. Streams each file in chunks and looks for all the values in one pass over the raw
// bytes; only lines that hold one are decoded and parsed. Never holds a file in memory, stops
// at the limit, and skips files and parts of files outside the window.
import fs from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { caseInsensitive, containsValue } from './query';
import { parseLine, toEvent } from './parse';
import { boundEvent, LogFetchError, type LogEvent, type LogQuery, type LogSearchResult, type SearchValue } from './types';

export interface FilesOptions {
  /** Directories, files or globs (`*` and `?` in the file name only), one per entry. */
  paths: readonly string[];
  /** What relative paths are resolved against. */
  baseDir: string;
  /** Read size (default 1 MiB). */
  chunkBytes?: number;
  /** Longer lines are skipped (default 1 MiB). */
  maxLineBytes?: number;
  /** Most files considered per search (default 1000). */
  maxFiles?: number;
  /** Plain files larger than this are entered by a binary search for the window (default 16 MiB). */
  seekMinBytes?: number;
}

interface Candidate {
  file: string;
  mtimeMs: number;
  size: number;
  rotation: number;
}

const NL = 10;
const UNSUPPORTED = /\.(bz2|xz|zst|lz4|zip|7z|tar)$/i;

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The rotation number of a rotated file (access.log.3.gz → 3; access.log → 0; dated → 1). */
function rotationOf(name: string): number {
  const base = name.replace(/\.gz$/, '');
  const n = /\.(\d{1,4})$/.exec(base);
  if (n) return Number(n[1]);
  return /[-.]\d{8}$/.test(base) ? 1 : 0;
}

/** The files the configured paths name, oldest first (mtime, then the higher rotation number). */
export async function listLogFiles(options: FilesOptions): Promise<Candidate[]> {
  const out = new Map<string, Candidate>();
  const maxFiles = options.maxFiles ?? 1000;
  if (!options.paths.length) throw new LogFetchError('log-fetch (files): no log path configured: set a directory, file or glob in the log source', 'no-path');
  for (const given of options.paths) {
    const full = path.resolve(options.baseDir, given);
    const name = path.basename(full);
    const dir = path.dirname(full);
    if (/[*?[]/.test(dir)) throw new LogFetchError(`log-fetch (files): wildcards are only supported in the file name, not in directories: ${given}`, 'bad-path');
    const add = async (file: string): Promise<void> => {
      let st: fs.Stats;
      try {
        st = await fs.promises.stat(file);
      } catch {
        return; // vanished between listing and stat (rotation): nothing to read
      }
      // Other compressions are not read (their bytes would only be searched as they are).
      if (UNSUPPORTED.test(file)) return;
      if (st.isFile() && out.size < maxFiles) out.set(file, { file, mtimeMs: st.mtimeMs, size: st.size, rotation: rotationOf(path.basename(file)) });
    };
    if (/[*?]/.test(name)) {
      let entries: string[];
      try {
        entries = await fs.promises.readdir(dir);
      } catch (err) {
        throw notFound(given, dir, err);
      }
      const re = globToRegExp(name);
      for (const e of entries.sort()) if (re.test(e)) await add(path.join(dir, e));
      continue;
    }
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(full);
    } catch (err) {
      throw notFound(given, full, err);
    }
    if (st.isDirectory()) {
      for (const e of (await fs.promises.readdir(full)).sort()) if (!e.startsWith('.')) await add(path.join(full, e));
    } else await add(full);
  }
  return [...out.values()].sort((a, b) => a.mtimeMs - b.mtimeMs || b.rotation - a.rotation || a.file.localeCompare(b.file));
}

function notFound(given: string, resolved: string, err: unknown): LogFetchError {
  const code = (err as { code?: string }).code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' ? 'is not readable by the Node-RED user' : `cannot be read (${code ?? String(err)})`;
  return new LogFetchError(`log-fetch (files): the log path ${JSON.stringify(given)}${resolved !== given ? ` (${resolved})` : ''} ${why}`, code === 'ENOENT' ? 'not-found' : 'unreadable', false, { cause: err });
}

/** Byte patterns for one value: as given, and lower/upper case where case does not matter. */
function needlesFor(o: SearchValue): Buffer[] {
  const variants = new Set([o.value]);
  if (caseInsensitive(o.type)) {
    variants.add(o.value.toLowerCase());
    variants.add(o.value.toUpperCase());
  }
  return [...variants].map((v) => Buffer.from(v, 'utf8'));
}

/**
 * One regular expression for every needle, over a block read as latin1 (one character per
 * byte, so offsets are byte offsets). V8 runs an alternation of literals with a Boyer-Moore
 * look-ahead in one pass: about three times faster than one Buffer.indexOf pass per needle.
 */
export function needleRegExp(needles: readonly Buffer[]): RegExp {
  const alternatives = needles.map((n) => n.toString('latin1').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(alternatives.join('|'), 'g');
}

function describeQuery(query: LogQuery, paths: readonly string[]): string {
  const values = query.observables.map((o) => JSON.stringify(o.value)).join(' OR ');
  const terms = query.terms.map((t) => JSON.stringify(t)).join(' AND ');
  const what = [values && (query.observables.length > 1 ? `(${values})` : values), terms].filter(Boolean).join(' AND ');
  return `files ${paths.join(', ')}: ${what} from ${query.from} to ${query.to}, limit ${query.limit}`;
}

interface ScanState {
  query: LogQuery;
  from: number;
  to: number;
  needles: RegExp;
  events: LogEvent[];
  counts: Record<string, number>;
  matched: number;
  /** Matching lines found: limit + 1 means "more than the limit", and the scan stops. */
  done: boolean;
  bytesRead: number;
  maxLine: number;
  linesParsed: number;
  longLinesSkipped: number;
  /** Compressed files read up to a cut (truncated or damaged .gz): their lines before it were searched. */
  cutShort: Array<{ file: string; reason: string }>;
}

/** Search local log files. Throws LogFetchError for a missing path; unreadable single files are noted in stats. */
export async function searchFiles(query: LogQuery, options: FilesOptions): Promise<LogSearchResult> {
  const files = await listLogFiles(options);
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  const searchValues = query.observables.length ? query.observables : [{ type: 'term' as const, value: query.terms[0] }];
  const state: ScanState = {
    query, from, to,
    needles: needleRegExp(searchValues.flatMap(needlesFor)),
    events: [], counts: Object.fromEntries(query.observables.map((o) => [o.value, 0])),
    matched: 0, done: false, bytesRead: 0, maxLine: options.maxLineBytes ?? 1024 * 1024, linesParsed: 0, longLinesSkipped: 0, cutShort: [],
  };
  const skippedByTime: string[] = [];
  const unreadable: Array<{ file: string; reason: string }> = [];
  let scanned = 0;
  for (const f of files) {
    if (state.done) break;
    // Written for the last time before the window opened: nothing in it can be inside. Only
    // plausible mtimes count: npm unpacks every file of a package as written in 1985.
    if (f.mtimeMs < from && f.mtimeMs >= PLAUSIBLE_MTIME) {
      skippedByTime.push(f.file);
      continue;
    }
    // The last line of a plain file is before the window: so is the rest.
    const end = await tailTime(f.file, to).catch(() => undefined);
    if (end !== undefined && end < from) {
      skippedByTime.push(f.file);
      continue;
    }
    try {
      const outcome = await scanFile(f, state, options);
      if (outcome === 'after-window') skippedByTime.push(f.file);
      else scanned += 1;
    } catch (err) {
      unreadable.push({ file: f.file, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  if (!files.length) throw new LogFetchError(`log-fetch (files): no log files found at ${options.paths.join(', ')}`, 'not-found');
  if (scanned === 0 && unreadable.length && !skippedByTime.length) {
    throw new LogFetchError(`log-fetch (files): no log file could be read: ${unreadable.map((u) => `${u.file}: ${u.reason}`).join('; ').slice(0, 500)}`, 'unreadable');
  }
  const truncated = state.matched > query.limit;
  // Files are read oldest first, but they overlap in time: show the events in time order.
  state.events.sort((a, b) => (a.time ?? '\uffff').localeCompare(b.time ?? '\uffff'));
  // Each note starts with a short head (before the colon) that the node status shows.
  const notes: string[] = [];
  if (unreadable.length) notes.push(`${unreadable.length} file(s) unreadable: ${fileList(unreadable)}`);
  if (state.cutShort.length) notes.push(`${state.cutShort.length} file(s) cut short: ${fileList(state.cutShort)}, read up to the cut`);
  if (state.longLinesSkipped) notes.push(`${state.longLinesSkipped} line(s) over ${bytesText(state.maxLine)} skipped: not searched`);
  return {
    events: state.events,
    total: state.matched,
    // Lines or files not read may hold matches: the total is then a lower bound.
    totalExact: !truncated && !notes.length,
    truncated,
    ...(notes.length ? { notes } : {}),
    counts: state.counts,
    query: describeQuery(query, options.paths),
    stats: {
      files: files.length, scanned, skippedByTime: skippedByTime.length, bytesRead: state.bytesRead, linesParsed: state.linesParsed,
      ...(state.longLinesSkipped ? { longLinesSkipped: state.longLinesSkipped } : {}),
      ...(unreadable.length ? { unreadable } : {}),
      ...(state.cutShort.length ? { cutShort: state.cutShort } : {}),
    },
  };
}

/** Files named in a note: base names with the reason, the first three only. */
function fileList(list: ReadonlyArray<{ file: string; reason: string }>): string {
  const named = list.slice(0, 3).map((u) => `${path.basename(u.file)} (${u.reason.length > 80 ? `${u.reason.slice(0, 79)}…` : u.reason})`).join(', ');
  return list.length > 3 ? `${named} and ${list.length - 3} more` : named;
}

function bytesText(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** Plain files larger than this are entered by a binary search on their line times. */
const SEEK_MIN_BYTES = 16 * 1024 * 1024;
/** Lines written by several threads are only roughly in order: the search aims this much earlier. */
const SEEK_MARGIN_MS = 5 * 60_000;

/**
 * The offset of a line at most a little before `target` in a file whose lines are in time
 * order, by binary search over the times of the first whole line after a probe offset. Stops
 * (scanning from what it has) as soon as a probe finds no readable time.
 */
export async function seekWindowStart(file: string, size: number, target: number, near: number): Promise<number> {
  const handle = await fs.promises.open(file, 'r');
  const probe = Buffer.alloc(64 * 1024);
  try {
    let lo = 0;
    let hi = size;
    for (let i = 0; i < 48 && hi - lo > Math.min(1024 * 1024, size / 64); i++) {
      const mid = Math.floor((lo + hi) / 2);
      const { bytesRead } = await handle.read(probe, 0, probe.length, mid);
      const view = probe.subarray(0, bytesRead);
      const s = view.indexOf(NL) + 1;
      const e = s > 0 ? view.indexOf(NL, s) : -1;
      if (s <= 0 || e < 0) break;
      const t = parseLine(view.toString('utf8', s, e), near).time;
      if (t === undefined) break;
      if (t < target) lo = mid;
      else hi = mid;
    }
    return lo;
  } finally {
    await handle.close();
  }
}

/** 2000-01-01: older modification times are not real ones (npm, tar --mtime, broken clocks). */
const PLAUSIBLE_MTIME = Date.UTC(2000, 0, 1);

/** The time of the last line of an uncompressed file (reads its last 64 KiB), or undefined. */
async function tailTime(file: string, near: number): Promise<number | undefined> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    if (!length) return undefined;
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const tail = buffer.subarray(0, bytesRead);
    if (size >= 2) {
      const head = await handle.read(Buffer.alloc(2), 0, 2, 0);
      if (head.buffer[0] === 0x1f && head.buffer[1] === 0x8b) return undefined; // gzip
    }
    let end = tail.length;
    while (end > 0 && (tail[end - 1] === NL || tail[end - 1] === 13)) end -= 1;
    const start = tail.lastIndexOf(NL, end - 1) + 1;
    if (start === 0 && length < size) return undefined; // one line longer than 64 KiB
    return parseLine(tail.toString('utf8', start, end), near).time;
  } finally {
    await handle.close();
  }
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

type FileOutcome = 'scanned' | 'after-window';

async function scanFile(f: Candidate, state: ScanState, options: FilesOptions): Promise<FileOutcome> {
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  const maxLine = state.maxLine;
  const gzip = await isGzip(f.file);
  // A large plain file in time order: start near the window instead of at the beginning.
  const start = !gzip && f.size > (options.seekMinBytes ?? SEEK_MIN_BYTES) ? await seekWindowStart(f.file, f.size, state.from - SEEK_MARGIN_MS, state.to) : 0;
  const raw = fs.createReadStream(f.file, { highWaterMark: chunkBytes, start });
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: 256 * 1024 })) : raw;
  raw.on('error', (err) => stream.destroy(err)); // pipe() does not forward errors
  let carry: Buffer | undefined;
  let dropping = start > 0; // inside an over-long line (or the line cut by the seek): skip to its end
  let first = true;
  let outcome: FileOutcome = 'scanned';
  try {
    // One block of whole lines: 'stop' once the limit is reached or the file is past the window.
    const handle = (block: Buffer): 'stop' | undefined => {
      if (first) {
        first = false;
        // Logs are appended in time order: a file whose first lines are after the window holds nothing inside it.
        const start = firstTime(block, state.to);
        if (start !== undefined && start > state.to) {
          outcome = 'after-window';
          return 'stop';
        }
      }
      scanBlock(block, f.file, state);
      if (state.done) return 'stop';
      // The block's last line is after the window: the rest of the file is too.
      const end = lastTime(block, state.to);
      return end !== undefined && end > state.to ? 'stop' : undefined;
    };
    let produced = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        produced += chunk.length;
        let buf = chunk;
        if (dropping) {
          const nl = buf.indexOf(NL);
          if (nl < 0) continue;
          buf = buf.subarray(nl + 1);
          dropping = false;
        }
        if (carry?.length) {
          // Finish the line cut by the previous chunk; only that line is copied, not the chunk.
          const nl = buf.indexOf(NL);
          if (nl < 0) {
            carry = Buffer.concat([carry, buf]);
            if (carry.length > maxLine) {
              state.longLinesSkipped += 1;
              carry = undefined;
              dropping = true;
            }
            continue;
          }
          const line = Buffer.concat([carry, buf.subarray(0, nl + 1)]);
          carry = undefined;
          buf = buf.subarray(nl + 1);
          if (handle(line) === 'stop') break;
        }
        const lastNl = buf.lastIndexOf(NL);
        if (lastNl < 0) {
          if (buf.length > maxLine) {
            state.longLinesSkipped += 1;
            dropping = true;
          } else if (buf.length) carry = Buffer.from(buf);
          continue;
        }
        carry = lastNl + 1 < buf.length ? Buffer.from(buf.subarray(lastNl + 1)) : undefined;
        if (carry && carry.length > maxLine) {
          state.longLinesSkipped += 1;
          carry = undefined;
          dropping = true;
        }
        if (handle(buf.subarray(0, lastNl + 1)) === 'stop') break;
      }
    } catch (err) {
      // A .gz cut off (copied while written, a full disk) or damaged further in: its lines before
      // the cut were searched, as zcat recovers them. Nothing decompressed: the file is unreadable.
      if (!gzip || produced === 0) throw err;
      state.cutShort.push({ file: f.file, reason: `${err instanceof Error ? err.message : String(err)} after ${produced} bytes` });
      carry = undefined; // the line the cut went through
    }
    if (carry?.length && !state.done) scanBlock(carry, f.file, state);
  } finally {
    state.bytesRead += raw.bytesRead;
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
  return outcome;
}

function firstTime(block: Buffer, near: number): number | undefined {
  let start = 0;
  for (let i = 0; i < 5 && start < block.length; i++) {
    const end = block.indexOf(NL, start);
    const stop = end < 0 ? block.length : end;
    const t = parseLine(block.toString('utf8', start, Math.min(stop, start + 8192)), near).time;
    if (t !== undefined) return t;
    start = stop + 1;
  }
  return undefined;
}

function lastTime(block: Buffer, near: number): number | undefined {
  const end = block.length - 1; // the final newline
  const start = block.lastIndexOf(NL, end - 1) + 1;
  if (end - start > 8192) return undefined;
  return parseLine(block.toString('utf8', start, end), near).time;
}

function scanBlock(block: Buffer, source: string, state: ScanState): void {
  // Lines holding any needle, by start offset.
  const lines = new Map<number, number>();
  const text = block.toString('latin1');
  const re = state.needles;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const pos = m.index;
    const s = pos === 0 ? 0 : block.lastIndexOf(NL, pos - 1) + 1;
    let e = block.indexOf(NL, pos + m[0].length);
    if (e < 0) e = block.length;
    lines.set(s, e);
    if (e + 1 >= block.length) break;
    re.lastIndex = e + 1; // the rest of this line is decided already
  }
  if (!lines.size) return;
  const starts = [...lines.keys()].sort((a, b) => a - b);
  const { query } = state;
  for (const s of starts) {
    let e = lines.get(s) as number;
    if (e > s && block[e - 1] === 13) e -= 1; // CRLF
    if (e - s > state.maxLine) {
      state.longLinesSkipped += 1;
      continue;
    }
    const text = block.toString('utf8', s, e);
    const hits = query.observables.filter((o) => containsValue(text, o));
    if (query.observables.length && !hits.length) continue;
    if (!query.terms.every((t) => text.includes(t))) continue;
    state.linesParsed += 1;
    const parsed = parseLine(text, state.to);
    if (parsed.time !== undefined && (parsed.time < state.from || parsed.time > state.to)) continue;
    state.matched += 1;
    // Counted with the total, the match past the limit too: counts and total describe the same lines.
    for (const o of hits) state.counts[o.value] = (state.counts[o.value] ?? 0) + 1;
    if (state.matched > query.limit) {
      state.done = true;
      return;
    }
    state.events.push(boundEvent(toEvent(parsed, source)));
  }
}
