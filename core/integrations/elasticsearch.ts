// Elasticsearch / OpenSearch `_search` for log-fetch: a bool query with a range filter on the
// time field and one multi_match *phrase* query per observable. No query_string: an alert's
// value is always data (a phrase), never query syntax, so `" OR *`, `*:*` or `) OR (` cannot
// widen the search. A filters aggregation counts the matches of each observable.
import { fromJson } from '../logs/parse';
import { basicAuth, baseUrl, httpFailure } from '../logs/remote';
import { boundEvent, LogFetchError, type LogEvent, type LogQuery, type LogSearchResult } from '../logs/types';
import type { Invoker } from './dry-run';

export interface ElasticsearchOptions {
  /** e.g. https://es.example.org:9200 */
  url: string;
  /** Index, alias, data stream or pattern, comma-separated (logs-*,filebeat-*). */
  index: string;
  /** Default @timestamp. */
  timeField?: string;
  /** Fields searched; default the index's default fields (index.query.default_field, usually all). */
  fields?: string[];
  apiKey?: string;
  username?: string;
  password?: string;
  missingCredentials?: readonly string[];
}

export const TOTAL_HITS_CAP = 10_000;

/** The index path segment: each name URL-encoded, wildcards and commas kept. */
export function indexPath(index: string): string {
  const names = index.split(',').map((n) => n.trim()).filter(Boolean);
  if (!names.length) throw new LogFetchError('Elasticsearch: no index configured in the log source (e.g. logs-*)', 'no-index');
  for (const n of names) if (!/^[^\s"\\/?#<>|]+$/.test(n)) throw new LogFetchError(`Elasticsearch: ${JSON.stringify(n)} is not a valid index name`, 'bad-index');
  return names.map((n) => encodeURIComponent(n).replace(/%2A/g, '*')).join(',');
}

function phrase(value: string, fields: readonly string[] | undefined, name?: string): Record<string, unknown> {
  return { multi_match: { query: value, type: 'phrase', lenient: true, ...(fields?.length ? { fields } : {}), ...(name ? { _name: name } : {}) } };
}

/** The `_search` body for a log query. */
export function buildSearchBody(query: LogQuery, options: Pick<ElasticsearchOptions, 'timeField' | 'fields'> = {}): Record<string, unknown> {
  const timeField = options.timeField || '@timestamp';
  const filter: unknown[] = [{ range: { [timeField]: { gte: query.from, lte: query.to, format: 'strict_date_optional_time' } } }];
  for (const t of query.terms) filter.push(phrase(t, options.fields));
  // Built as literals, not assigned: test libraries (should.js) put a `should` setter on Object.prototype.
  const bool: Record<string, unknown> = {
    filter,
    ...(query.observables.length ? { should: query.observables.map((o, i) => phrase(o.value, options.fields, `observable.${i}`)), minimum_should_match: 1 } : {}),
  };
  const body: Record<string, unknown> = {
    size: query.limit,
    track_total_hits: TOTAL_HITS_CAP,
    sort: [{ [timeField]: { order: 'asc', unmapped_type: 'date' } }],
    query: { bool },
  };
  if (query.observables.length) {
    body.aggs = { observables: { filters: { filters: Object.fromEntries(query.observables.map((o, i) => [String(i), phrase(o.value, options.fields)])) } } };
  }
  return body;
}

interface SearchAnswer {
  hits?: { total?: number | { value?: number; relation?: string }; hits?: Array<{ _index?: string; _id?: string; _source?: Record<string, unknown> }> };
  aggregations?: { observables?: { buckets?: Record<string, { doc_count?: number }> } };
  timed_out?: boolean;
  _shards?: { failed?: number; failures?: Array<{ reason?: { reason?: string } }> };
}

interface ErrorAnswer {
  error?: { type?: string; reason?: string; root_cause?: Array<{ type?: string; reason?: string }>; caused_by?: { reason?: string } } | string;
  status?: number;
}

function errorReason(text: string): string {
  try {
    const body = JSON.parse(text) as ErrorAnswer;
    if (typeof body.error === 'string') return body.error;
    const e = body.error;
    const root = e?.root_cause?.[0];
    const reason = [e?.type, root?.reason ?? e?.reason, e?.caused_by?.reason].filter(Boolean).join(': ');
    if (reason) return reason;
  } catch {
    // not JSON: quote the start
  }
  return text.slice(0, 300);
}

/** The one place that calls Elasticsearch: POST /{index}/_search through the invoker. */
export async function searchElasticsearch(invoker: Invoker, query: LogQuery, options: ElasticsearchOptions): Promise<LogSearchResult> {
  const base = baseUrl('Elasticsearch', options.url);
  const index = indexPath(options.index);
  const body = buildSearchBody(query, options);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers.authorization = `ApiKey ${options.apiKey}`;
  else if (options.username) headers.authorization = basicAuth(options.username, options.password ?? '');
  let res;
  try {
    res = await invoker.invoke({
      operation: 'elasticsearch.search',
      method: 'POST',
      url: `${base}/${index}/_search`,
      headers,
      json: body,
      idempotent: true, // a search changes nothing
      accept: [400, 401, 403, 404],
      simulated: {
        status: 200, headers: { 'x-elastic-product': 'Elasticsearch' },
        json: { took: 0, timed_out: false, _shards: { total: 0, successful: 0, skipped: 0, failed: 0 }, hits: { total: { value: 0, relation: 'eq' }, max_score: null, hits: [] } },
      },
      ...(options.missingCredentials?.length ? { missingCredentials: options.missingCredentials } : {}),
    });
  } catch (err) {
    throw httpFailure('Elasticsearch', err);
  }
  const queryText = `POST /${index}/_search ${JSON.stringify(body)}`;
  if (res.status === 401) throw new LogFetchError(`Elasticsearch refused the credentials (401: ${errorReason(res.text)}): check the API key or the user and password of the log source`, 'unauthorized');
  if (res.status === 403) throw new LogFetchError(`Elasticsearch: the credentials may not search ${options.index} (403: ${errorReason(res.text)}): grant the read privilege on the index`, 'forbidden');
  if (res.status === 404) throw new LogFetchError(`Elasticsearch: ${errorReason(res.text)} (404): check the index name of the log source`, 'index-not-found');
  if (res.status === 400) throw new LogFetchError(`Elasticsearch could not run the search (400): ${errorReason(res.text)}`, 'invalid-query');
  const answer = res.json<SearchAnswer>();
  const timeField = options.timeField || '@timestamp';
  const events: LogEvent[] = (answer.hits?.hits ?? []).map((h) => {
    const parsed = fromJson(h._source ?? {}, JSON.stringify(h._source ?? {}), timeField);
    return boundEvent({
      time: parsed.time !== undefined ? new Date(parsed.time).toISOString() : null,
      source: `${h._index ?? options.index}${h._id ? `/${h._id}` : ''}`,
      ...(parsed.host ? { host: parsed.host } : {}),
      message: parsed.message,
      ...(parsed.fields && Object.keys(parsed.fields).length ? { fields: parsed.fields } : {}),
    });
  });
  const rawTotal = answer.hits?.total;
  const total = typeof rawTotal === 'number' ? rawTotal : rawTotal?.value ?? events.length;
  const totalExact = typeof rawTotal === 'number' || rawTotal?.relation !== 'gte';
  const buckets = answer.aggregations?.observables?.buckets ?? {};
  const counts: Record<string, number> = {};
  query.observables.forEach((o, i) => { counts[o.value] = buckets[String(i)]?.doc_count ?? 0; });
  const failedShards = answer._shards?.failed ?? 0;
  return {
    events, total, totalExact, truncated: total > events.length, counts, query: queryText,
    stats: { ...(answer.timed_out ? { timedOut: true } : {}), ...(failedShards ? { failedShards, shardFailure: answer._shards?.failures?.[0]?.reason?.reason } : {}) },
    ...(res.dryRun ? { dryRun: true } : {}),
  };
}
