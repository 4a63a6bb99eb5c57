// Grafana Loki `query_range` for log-fetch: LogQL built from the observables. Each value is
// escaped twice: as an RE2 literal (so `.*` or `|` in an alert match only themselves), then as
// a LogQL double-quoted string (so `"` or `\` cannot end the string and add pipeline stages).
import { caseInsensitive } from '../logs/query';
import { basicAuth, baseUrl, httpFailure, verifyEvents } from '../logs/remote';
import { boundEvent, LogFetchError, type LogEvent, type LogQuery, type LogSearchResult } from '../logs/types';
import type { Invoker } from './dry-run';

export interface LokiOptions {
  /** e.g. http://loki:3100 */
  url: string;
  /** The stream selector, e.g. {job=~".+"} or {app="sshd",env="prod"}. */
  selector?: string;
  /** X-Scope-OrgID for multi-tenant Loki. */
  tenant?: string;
  token?: string;
  username?: string;
  password?: string;
  missingCredentials?: readonly string[];
}

export const DEFAULT_SELECTOR = '{job=~".+"}';

/** RE2 syntax characters escaped: the value matches only itself. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** A LogQL (Go) double-quoted string literal holding exactly `value`. */
export function logqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The LogQL query: selector, one regex line filter for the observables (any), a line filter per term (all). */
export function buildLogQL(query: LogQuery, selector = DEFAULT_SELECTOR): string {
  const sel = selector.trim() || DEFAULT_SELECTOR;
  if (!/^\{.*\}$/s.test(sel)) throw new LogFetchError(`Loki: the stream selector must look like {label="value"}, got ${JSON.stringify(sel).slice(0, 80)}`, 'bad-selector');
  const parts = [sel];
  if (query.observables.length) {
    const alternatives = query.observables.map((o) => (caseInsensitive(o.type) ? `(?i:${escapeRegex(o.value)})` : escapeRegex(o.value)));
    parts.push(`|~ ${logqlString(alternatives.join('|'))}`);
  }
  for (const t of query.terms) parts.push(`|= ${logqlString(t)}`);
  return parts.join(' ');
}

function ns(iso: string): string {
  return `${BigInt(Date.parse(iso)) * 1_000_000n}`;
}

interface StreamsAnswer {
  status?: string;
  data?: { resultType?: string; result?: Array<{ stream?: Record<string, string>; values?: Array<[string, string]> }> };
}

/** The one place that calls Loki: GET /loki/api/v1/query_range through the invoker. */
export async function searchLoki(invoker: Invoker, query: LogQuery, options: LokiOptions): Promise<LogSearchResult> {
  const base = baseUrl('Loki', options.url);
  const logql = buildLogQL(query, options.selector);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.tenant) headers['x-scope-orgid'] = options.tenant;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  else if (options.username) headers.authorization = basicAuth(options.username, options.password ?? '');
  const params = { query: logql, start: ns(query.from), end: ns(query.to), limit: query.limit, direction: 'forward' };
  let res;
  try {
    res = await invoker.invoke({
      operation: 'loki.query_range',
      method: 'GET',
      url: `${base}/loki/api/v1/query_range`,
      query: params,
      headers,
      accept: [400, 401, 403, 404],
      simulated: { status: 200, json: { status: 'success', data: { resultType: 'streams', result: [], stats: {} } } },
      ...(options.missingCredentials?.length ? { missingCredentials: options.missingCredentials } : {}),
    });
  } catch (err) {
    throw httpFailure('Loki', err);
  }
  const said = res.text.trim().slice(0, 300);
  if (res.status === 401 || res.status === 403) throw new LogFetchError(`Loki refused the credentials (${res.status}${said ? `: ${said}` : ''}): check the token, user/password or tenant of the log source`, 'unauthorized');
  if (res.status === 404) throw new LogFetchError(`Loki: ${base}/loki/api/v1/query_range was not found (404): check the URL of the log source`, 'not-found');
  if (res.status === 400) throw new LogFetchError(`Loki could not run the LogQL query (400): ${said}`, 'invalid-query');
  const answer = res.json<StreamsAnswer>();
  if (answer.status !== 'success' || answer.data?.resultType !== 'streams') throw new LogFetchError(`Loki answered ${answer.data?.resultType ?? answer.status ?? 'something unexpected'} instead of log streams`, 'invalid-response');
  const all: LogEvent[] = [];
  for (const s of answer.data.result ?? []) {
    const labels = s.stream ?? {};
    const source = labels.filename ?? labels.job ?? labels.app ?? labels.service_name ?? 'loki';
    const host = labels.host ?? labels.hostname ?? labels.instance;
    for (const [t, line] of s.values ?? []) {
      const ms = Number(BigInt(t) / 1_000_000n);
      all.push(boundEvent({ time: new Date(ms).toISOString(), source, ...(host ? { host } : {}), message: line, fields: { ...labels } }));
    }
  }
  const { events, counts } = verifyEvents(all, query);
  const kept = events.slice(0, query.limit);
  // Loki counts nothing: a full page means there may be more.
  const full = all.length >= query.limit;
  return {
    events: kept, total: kept.length, totalExact: !full, truncated: full, counts,
    query: `${logql} (start ${query.from}, end ${query.to}, limit ${query.limit})`,
    ...(res.dryRun ? { dryRun: true } : {}),
  };
}
