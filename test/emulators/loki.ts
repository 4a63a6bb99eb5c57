// Grafana Loki on loopback: GET /loki/api/v1/query_range with a real (small) LogQL parser:
// a stream selector ({a="b", c=~"re"}) and line filters (|= != |~ !~) with Go string
// literals, evaluated over stored streams. Answers like Loki (docs/sources/reference/
// loki-http-api.md): {status:"success", data:{resultType:"streams", result:[{stream, values:
// [[<ns>, <line>]]}], stats}}; 400 text/plain "parse error at line 1, col N: …" for bad LogQL;
// 401 "no org id" when a tenant is required and missing.
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export interface LokiStream { labels: Record<string, string>; values: Array<[string, string]> }

export interface LokiEmulator extends Emulator {
  streams: LokiStream[];
  push(labels: Record<string, string>, lines: Array<[Date | string, string]>): void;
  /** The parsed queries received (selector and filters), for assertions. */
  parsed: ParsedLogQL[];
}

export interface ParsedLogQL {
  matchers: Array<{ label: string; op: string; value: string }>;
  filters: Array<{ op: string; value: string }>;
}

class LogQLError extends Error {
  constructor(readonly col: number, message: string) {
    super(`parse error at line 1, col ${col}: ${message}`);
  }
}

/** Parse the subset log-fetch sends; anything else is a syntax error, as Loki would say. */
export function parseLogQL(q: string): ParsedLogQL {
  let i = 0;
  const ws = (): void => { while (i < q.length && /\s/.test(q[i])) i++; };
  const str = (): string => {
    ws();
    if (q[i] === '`') {
      const end = q.indexOf('`', i + 1);
      if (end < 0) throw new LogQLError(i + 1, 'literal not terminated');
      const v = q.slice(i + 1, end);
      i = end + 1;
      return v;
    }
    if (q[i] !== '"') throw new LogQLError(i + 1, `syntax error: unexpected ${q[i] ?? 'end of input'}, expecting STRING`);
    let out = '';
    i++;
    for (;;) {
      if (i >= q.length || q[i] === '\n') throw new LogQLError(i + 1, 'literal not terminated');
      const c = q[i];
      if (c === '"') { i++; return out; }
      if (c === '\\') {
        const n = q[i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };
        if (n !== undefined && simple[n] !== undefined) { out += simple[n]; i += 2; continue; }
        if (n === 'x') { out += String.fromCharCode(parseInt(q.slice(i + 2, i + 4), 16)); i += 4; continue; }
        if (n === 'u') { out += String.fromCharCode(parseInt(q.slice(i + 2, i + 6), 16)); i += 6; continue; }
        throw new LogQLError(i + 1, 'invalid syntax');
      }
      out += c;
      i++;
    }
  };
  const parsed: ParsedLogQL = { matchers: [], filters: [] };
  ws();
  if (q[i] !== '{') throw new LogQLError(i + 1, `syntax error: unexpected ${q[i] ?? 'end of input'}, expecting {`);
  i++;
  for (;;) {
    ws();
    if (q[i] === '}') { i++; break; }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(q.slice(i));
    if (!m) throw new LogQLError(i + 1, `syntax error: unexpected ${q[i] ?? 'end of input'}, expecting IDENTIFIER`);
    i += m[0].length;
    ws();
    const op = ['=~', '!~', '!=', '='].find((o) => q.startsWith(o, i));
    if (!op) throw new LogQLError(i + 1, 'syntax error: unexpected character, expecting = or != or =~ or !~');
    i += op.length;
    parsed.matchers.push({ label: m[0], op, value: str() });
    ws();
    if (q[i] === ',') i++;
  }
  if (!parsed.matchers.some((mt) => (mt.op === '=' && mt.value !== '') || (mt.op === '=~' && !new RegExp(`^(?:${mt.value})$`).test('')))) {
    throw new LogQLError(1, 'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will');
  }
  for (;;) {
    ws();
    if (i >= q.length) break;
    const op = ['|=', '!=', '|~', '!~'].find((o) => q.startsWith(o, i));
    if (!op) throw new LogQLError(i + 1, `syntax error: unexpected ${q.slice(i, i + 10)}`);
    i += op.length;
    parsed.filters.push({ op, value: str() });
  }
  return parsed;
}

/** RE2 → JavaScript: (?i:…) groups become case-insensitive character pairs (older V8 lacks modifiers). */
export function re2ToJs(re: string): RegExp {
  let out = '';
  let flags = '';
  let i = 0;
  if (re.startsWith('(?i)')) { flags = 'i'; i = 4; }
  let insensitive = 0;
  const stack: boolean[] = [];
  while (i < re.length) {
    const c = re[i];
    if (c === '\\') { out += re.slice(i, i + 2); i += 2; continue; }
    if (re.startsWith('(?i:', i)) { stack.push(true); insensitive++; out += '(?:'; i += 4; continue; }
    if (c === '(') { stack.push(false); out += c; i++; continue; }
    if (c === ')') { if (stack.pop()) insensitive--; out += c; i++; continue; }
    if (insensitive && /[a-z]/i.test(c)) { out += `[${c.toLowerCase()}${c.toUpperCase()}]`; i++; continue; }
    out += c;
    i++;
  }
  return new RegExp(out, flags);
}

function matches(p: ParsedLogQL, labels: Record<string, string>): boolean {
  return p.matchers.every((m) => {
    const v = labels[m.label] ?? '';
    if (m.op === '=') return v === m.value;
    if (m.op === '!=') return v !== m.value;
    const ok = new RegExp(`^(?:${m.value})$`).test(v);
    return m.op === '=~' ? ok : !ok;
  });
}

export async function startLoki(options: { tenant?: string; token?: string } = {}): Promise<LokiEmulator> {
  const streams: LokiStream[] = [];
  const parsedQueries: ParsedLogQL[] = [];
  const queryRange = (req: RecordedRequest): ScriptedResponse => {
    if (options.tenant && req.headers['x-scope-orgid'] !== options.tenant) return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'no org id\n' };
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Unauthorized\n' };
    let p: ParsedLogQL;
    try {
      p = parseLogQL(req.query.query ?? '');
    } catch (err) {
      if (err instanceof LogQLError) return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${err.message}\n` };
      throw err;
    }
    parsedQueries.push(p);
    const start = BigInt(req.query.start ?? '0');
    const end = BigInt(req.query.end ?? String(BigInt(Date.now()) * 1_000_000n));
    const limit = Number(req.query.limit ?? 100);
    const filters = p.filters.map((f) => ({ ...f, re: f.op.endsWith('~') ? re2ToJs(f.value) : undefined }));
    const hits: Array<{ labels: Record<string, string>; value: [string, string] }> = [];
    for (const s of streams) {
      if (!matches(p, s.labels)) continue;
      for (const v of s.values) {
        const t = BigInt(v[0]);
        if (t < start || t >= end) continue;
        const ok = filters.every((f) => (f.op === '|=' ? v[1].includes(f.value) : f.op === '!=' ? !v[1].includes(f.value) : f.op === '|~' ? f.re!.test(v[1]) : !f.re!.test(v[1])));
        if (ok) hits.push({ labels: s.labels, value: v });
      }
    }
    hits.sort((a, b) => (BigInt(a.value[0]) < BigInt(b.value[0]) ? -1 : 1) * (req.query.direction === 'forward' ? 1 : -1));
    const byStream = new Map<Record<string, string>, Array<[string, string]>>();
    for (const h of hits.slice(0, limit)) byStream.set(h.labels, [...(byStream.get(h.labels) ?? []), h.value]);
    return {
      status: 200,
      body: { status: 'success', data: { resultType: 'streams', result: [...byStream].map(([stream, values]) => ({ stream, values })), stats: { summary: { totalEntriesReturned: Math.min(hits.length, limit) } } } },
    };
  };
  const emulator = await startEmulator({ routes: [{ method: 'GET', path: '/loki/api/v1/query_range', respond: queryRange }] });
  const reset = emulator.reset;
  return Object.assign(emulator, {
    streams,
    parsed: parsedQueries,
    push(labels: Record<string, string>, lines: Array<[Date | string, string]>) {
      streams.push({ labels, values: lines.map(([t, l]) => [String(BigInt(new Date(t).getTime()) * 1_000_000n), l] as [string, string]) });
    },
    reset() {
      reset();
      streams.length = 0;
      parsedQueries.length = 0;
    },
  });
}
