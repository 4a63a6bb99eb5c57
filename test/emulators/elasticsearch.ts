// Elasticsearch `_search` on loopback, answering like the real service (elastic.co "the search
// API"): every answer carries `X-Elastic-Product: Elasticsearch`; hits {total:{value,relation},
// hits:[{_index,_id,_score,_source}]}; filters aggregations; errors in ES's shape
// ({error:{root_cause,type,reason},status}) for missing/wrong credentials (401 security_exception),
// unknown query types (400 parsing_exception) and missing indices (404 index_not_found_exception).
// The query DSL subset log-fetch uses is evaluated for real over the stored documents.
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export interface EsDoc { _index: string; _id: string; _source: Record<string, unknown> }

export interface ElasticsearchEmulator extends Emulator {
  docs: EsDoc[];
  /** Add documents to an index. */
  index(name: string, docs: Array<Record<string, unknown>>): void;
}

export interface ElasticsearchEmulatorOptions {
  /** Accepted API key (Authorization: ApiKey <key>). */
  apiKey?: string;
  /** Accepted basic credentials. */
  user?: { name: string; password: string };
}

const PRODUCT = { 'x-elastic-product': 'Elasticsearch' };

export function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): ScriptedResponse {
  const cause = { type, reason, ...extra };
  return { status, headers: PRODUCT, body: { error: { root_cause: [cause], ...cause }, status } };
}

class ParseError extends Error {}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

function getField(src: Record<string, unknown>, field: string): unknown {
  if (field in src) return src[field];
  let cur: unknown = src;
  for (const part of field.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  return cur;
}

/** A phrase: the analysed tokens in order. Close enough to the standard analyser for logs. */
function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}_.@-]+/u).map((t) => t.replace(/^[.-]+|[.-]+$/g, '')).filter(Boolean);
}

function phraseMatches(doc: Record<string, unknown>, query: string, fields?: string[]): boolean {
  const want = tokens(query);
  if (!want.length) return false;
  const values = fields?.length && !fields.includes('*') ? fields.flatMap((f) => strings(getField(doc, f))) : strings(doc);
  return values.some((v) => {
    const have = tokens(v);
    for (let i = 0; i + want.length <= have.length; i++) if (want.every((w, j) => have[i + j] === w)) return true;
    return false;
  });
}

function evaluate(q: Record<string, unknown>, doc: Record<string, unknown>): boolean {
  const [type, body] = Object.entries(q)[0] ?? [];
  if (!type) throw new ParseError('query malformed, empty clause found');
  const b = body as Record<string, unknown>;
  switch (type) {
    case 'bool': {
      const list = (k: string): Array<Record<string, unknown>> => (!Object.hasOwn(b, k) || b[k] === undefined ? [] : Array.isArray(b[k]) ? b[k] as Array<Record<string, unknown>> : [b[k] as Record<string, unknown>]);
      if (![...list('filter'), ...list('must')].every((c) => evaluate(c, doc))) return false;
      if (list('must_not').some((c) => evaluate(c, doc))) return false;
      const should = list('should');
      const min = Number((Object.hasOwn(b, 'minimum_should_match') ? b.minimum_should_match : undefined) ?? (should.length && !list('filter').length && !list('must').length ? 1 : 0));
      return should.filter((c) => evaluate(c, doc)).length >= min;
    }
    case 'range': {
      const [field, r] = Object.entries(b)[0] as [string, Record<string, string>];
      const v = Date.parse(String(getField(doc, field)));
      if (!Number.isFinite(v)) return false;
      if (r.gte !== undefined && v < Date.parse(r.gte)) return false;
      if (r.lte !== undefined && v > Date.parse(r.lte)) return false;
      if (r.gt !== undefined && v <= Date.parse(r.gt)) return false;
      if (r.lt !== undefined && v >= Date.parse(r.lt)) return false;
      return true;
    }
    case 'multi_match': {
      if (typeof b.query !== 'string') throw new ParseError('[multi_match] requires query');
      return phraseMatches(doc, b.query, b.fields as string[] | undefined);
    }
    case 'match_phrase': {
      const [field, v] = Object.entries(b)[0] as [string, unknown];
      const text = typeof v === 'object' && v ? String((v as { query?: unknown }).query) : String(v);
      return phraseMatches(doc, text, [field]);
    }
    case 'match_all':
      return true;
    default:
      throw new ParseError(`unknown query [${type}]`);
  }
}

export async function startElasticsearch(options: ElasticsearchEmulatorOptions = {}): Promise<ElasticsearchEmulator> {
  const docs: EsDoc[] = [];
  let nextId = 1;
  const search = (req: RecordedRequest): ScriptedResponse => {
    const auth = String(req.headers.authorization ?? '');
    const apiOk = options.apiKey !== undefined && auth === `ApiKey ${options.apiKey}`;
    const basicOk = options.user !== undefined && auth === `Basic ${Buffer.from(`${options.user.name}:${options.user.password}`).toString('base64')}`;
    if ((options.apiKey !== undefined || options.user !== undefined) && !apiOk && !basicOk) {
      const reason = auth ? 'unable to authenticate with provided credentials and anonymous access is not allowed for this request' : `missing authentication credentials for REST request [${req.path}]`;
      const r = esError(401, 'security_exception', reason, { header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] } });
      return { ...r, headers: { ...r.headers, 'www-authenticate': 'Basic realm="security" charset="UTF-8", ApiKey' } };
    }
    const target = decodeURIComponent(req.path.replace(/^\//, '').replace(/\/_search$/, ''));
    const patterns = target.split(',').map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
    const known = new Set(docs.map((d) => d._index));
    const missing = target.split(',').find((p) => !p.includes('*') && !known.has(p));
    if (missing && req.query.ignore_unavailable !== 'true') return esError(404, 'index_not_found_exception', `no such index [${missing}]`, { 'resource.type': 'index_or_alias', 'resource.id': missing, index: missing });
    const body = (req.json ?? {}) as { size?: number; query?: Record<string, unknown>; aggs?: Record<string, { filters?: { filters: Record<string, Record<string, unknown>> } }>; sort?: Array<Record<string, { order?: string }>>; track_total_hits?: number | boolean };
    if (req.body && req.json === undefined) return esError(400, 'parsing_exception', 'request body or source parameter is required');
    let matched: EsDoc[];
    try {
      matched = docs.filter((d) => patterns.some((p) => p.test(d._index)) && (body.query ? evaluate(body.query, d._source) : true));
    } catch (err) {
      if (err instanceof ParseError) return esError(400, 'parsing_exception', err.message, { line: 1, col: 1 });
      throw err;
    }
    const sortField = body.sort?.[0] ? Object.keys(body.sort[0])[0] : undefined;
    if (sortField) {
      const desc = body.sort?.[0]?.[sortField]?.order === 'desc';
      matched.sort((a, b) => String(getField(a._source, sortField)).localeCompare(String(getField(b._source, sortField))) * (desc ? -1 : 1));
    }
    const cap = typeof body.track_total_hits === 'number' ? body.track_total_hits : body.track_total_hits === true ? Infinity : 10_000;
    const total = matched.length > cap ? { value: cap, relation: 'gte' } : { value: matched.length, relation: 'eq' };
    const size = body.size ?? 10;
    const answer: Record<string, unknown> = {
      took: 3, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { total, max_score: null, hits: matched.slice(0, size).map((d) => ({ _index: d._index, _id: d._id, _score: null, _source: d._source, sort: [0] })) },
    };
    if (body.aggs) {
      const aggregations: Record<string, unknown> = {};
      for (const [name, agg] of Object.entries(body.aggs)) {
        const filters = agg.filters?.filters ?? {};
        aggregations[name] = { buckets: Object.fromEntries(Object.entries(filters).map(([k, f]) => [k, { doc_count: matched.filter((d) => evaluate(f, d._source)).length }])) };
      }
      answer.aggregations = aggregations;
    }
    return { status: 200, headers: PRODUCT, body: answer };
  };
  const emulator = await startEmulator({
    routes: [{ method: 'POST', path: /^\/[^/]+\/_search$/, respond: search }, { method: 'GET', path: /^\/[^/]+\/_search$/, respond: search }],
    fallback: (req) => esError(400, 'illegal_argument_exception', `request [${req.path}] contains unrecognized parameter or path`),
  });
  const reset = emulator.reset;
  return Object.assign(emulator, {
    docs,
    index(name: string, add: Array<Record<string, unknown>>) {
      for (const d of add) docs.push({ _index: name, _id: String(nextId++), _source: d });
    },
    reset() {
      reset();
      docs.length = 0;
    },
  });
}
