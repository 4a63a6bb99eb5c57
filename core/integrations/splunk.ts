// Splunk REST search for log-fetch: export (streamed NDJSON) or oneshot, output_mode=json,
// token auth. Values from alerts go into SPL only as quoted strings with `\` and `"` escaped,
// so `| delete`, `" OR *` or `] | outputlookup` stay words to look for. Splunk treats `*` as
// a wildcard even inside quotes: a value with `*` is searched as its literal pieces (narrower,
// never wider) and checked exactly on the answer.
import { parseTime } from '../logs/parse';
import { baseUrl, httpFailure, verifyEvents } from '../logs/remote';
import { boundEvent, LogFetchError, type LogEvent, type LogQuery, type LogSearchResult } from '../logs/types';
import type { Invoker } from './dry-run';

export type SplunkMode = 'export' | 'oneshot';

export interface SplunkOptions {
  /** The management port, e.g. https://splunk.example.org:8089 */
  url: string;
  /** Index (or a comma-separated list, or a pattern). */
  index?: string;
  mode?: SplunkMode;
  token?: string;
  missingCredentials?: readonly string[];
}

/** One value as SPL: a quoted literal (or the AND of its literal pieces when it holds `*`); undefined when nothing literal is left. */
export function splQuote(value: string): string | undefined {
  // Control characters cannot be meant in a search term and could end the command line.
  const clean = value.replace(/[\x00-\x1f\x7f]/g, ' ');
  const pieces = clean.split('*').map((p) => p.trim()).filter((p) => p.length > 0);
  if (!pieces.length) return undefined;
  const quoted = pieces.map((p) => `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return quoted.length === 1 ? quoted[0] : `(${quoted.join(' ')})`;
}

function indexClause(index: string | undefined): string {
  const names = (index ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  for (const n of names) if (!/^[A-Za-z0-9_*][A-Za-z0-9_*:-]*$/.test(n)) throw new LogFetchError(`Splunk: ${JSON.stringify(n)} is not a valid index name`, 'bad-index');
  if (!names.length) return 'index=*';
  return names.length === 1 ? `index=${names[0]}` : `(${names.map((n) => `index=${n}`).join(' OR ')})`;
}

/** The SPL search; the time window goes in earliest_time/latest_time, not in the text. */
export function buildSpl(query: LogQuery, index?: string): string {
  const parts = ['search', indexClause(index)];
  const values = query.observables.map((o) => splQuote(o.value)).filter((v): v is string => v !== undefined);
  if (query.observables.length && !values.length) throw new LogFetchError('Splunk: no observable has a literal part to search for (values made only of *)', 'invalid-query');
  if (values.length) parts.push(values.length === 1 ? values[0] : `(${values.join(' OR ')})`);
  for (const t of query.terms) {
    const q = splQuote(t);
    if (q) parts.push(q);
  }
  return `${parts.join(' ')} | head ${query.limit + 1}`;
}

interface SplunkMessage { type?: string; text?: string }
type SplunkResult = Record<string, unknown>;

function messagesOf(text: string): SplunkMessage[] {
  try {
    const body = JSON.parse(text) as { messages?: SplunkMessage[] };
    return Array.isArray(body.messages) ? body.messages : [];
  } catch {
    return [];
  }
}

function fatal(messages: SplunkMessage[]): string | undefined {
  const m = messages.filter((x) => x.type === 'FATAL' || x.type === 'ERROR').map((x) => x.text).filter(Boolean);
  return m.length ? m.join('; ') : undefined;
}

function toEvent(r: SplunkResult): LogEvent {
  const time = parseTime(r._time);
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!k.startsWith('_') && k !== 'host' && k !== 'source' && !k.startsWith('date_')) fields[k] = v;
  return boundEvent({
    time: time !== undefined ? new Date(time).toISOString() : null,
    source: typeof r.source === 'string' ? r.source : 'splunk',
    ...(typeof r.host === 'string' ? { host: r.host } : {}),
    message: typeof r._raw === 'string' ? r._raw : JSON.stringify(r),
    ...(Object.keys(fields).length ? { fields } : {}),
  });
}

/** The one place that calls Splunk: POST /services/search/jobs/export (or /jobs oneshot) through the invoker. */
export async function searchSplunk(invoker: Invoker, query: LogQuery, options: SplunkOptions): Promise<LogSearchResult> {
  const base = baseUrl('Splunk', options.url);
  const mode = options.mode ?? 'export';
  const spl = buildSpl(query, options.index);
  const form: Record<string, string | number> = {
    search: spl,
    earliest_time: String(Date.parse(query.from) / 1000),
    latest_time: String(Date.parse(query.to) / 1000 + 0.001), // latest is exclusive; the window's end is not
    output_mode: 'json',
  };
  if (mode === 'oneshot') Object.assign(form, { exec_mode: 'oneshot', count: query.limit + 1 });
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let res;
  try {
    res = await invoker.invoke({
      operation: `splunk.${mode}`,
      method: 'POST',
      url: `${base}/services/search/jobs${mode === 'export' ? '/export' : ''}`,
      headers,
      form,
      idempotent: true, // a search (no job kept for export/oneshot) changes nothing
      accept: [400, 401, 403, 404],
      simulated: mode === 'export'
        ? { status: 200, text: '' }
        : { status: 200, json: { preview: false, init_offset: 0, messages: [], fields: [], results: [] } },
      ...(options.missingCredentials?.length ? { missingCredentials: options.missingCredentials } : {}),
    });
  } catch (err) {
    throw httpFailure('Splunk', err);
  }
  const said = fatal(messagesOf(res.text)) ?? res.text.slice(0, 300);
  if (res.status === 401) throw new LogFetchError(`Splunk refused the token (401: ${said}): check the authentication token of the log source`, 'unauthorized');
  if (res.status === 403) throw new LogFetchError(`Splunk: the token may not run searches (403: ${said})`, 'forbidden');
  if (res.status === 404) throw new LogFetchError(`Splunk: ${base}/services/search/jobs was not found (404): check the URL (the management port, usually 8089)`, 'not-found');
  if (res.status === 400) throw new LogFetchError(`Splunk could not run the search (400): ${said}`, 'invalid-query');

  let results: SplunkResult[] = [];
  if (mode === 'oneshot') {
    const body = res.json<{ results?: SplunkResult[]; messages?: SplunkMessage[] }>();
    const err = fatal(body.messages ?? []);
    if (err) throw new LogFetchError(`Splunk could not run the search: ${err}`, 'invalid-query');
    results = body.results ?? [];
  } else {
    // NDJSON: {"preview":false,"offset":n,"result":{…}}; preview rows are provisional.
    for (const line of res.text.split('\n')) {
      if (!line.trim()) continue;
      let row: { preview?: boolean; result?: SplunkResult; messages?: SplunkMessage[] };
      try {
        row = JSON.parse(line) as typeof row;
      } catch {
        continue; // a cut-off last line
      }
      const err = fatal(row.messages ?? []);
      if (err) throw new LogFetchError(`Splunk could not run the search: ${err}`, 'invalid-query');
      if (row.preview || !row.result) continue;
      results.push(row.result);
    }
  }
  const more = results.length > query.limit;
  const { events, counts } = verifyEvents(results.slice(0, query.limit).map(toEvent), query);
  // The result past the limit is counted with the total, in counts too: both describe the same matches.
  const extra = more ? verifyEvents(results.slice(query.limit, query.limit + 1).map(toEvent), query) : undefined;
  for (const [v, n] of Object.entries(extra?.counts ?? {})) counts[v] = (counts[v] ?? 0) + n;
  return {
    events, total: events.length + (extra?.events.length ?? 0), totalExact: !more, truncated: more, counts,
    query: `${spl} (earliest_time ${query.from}, latest_time ${query.to}, ${mode})`,
    ...(res.dryRun ? { dryRun: true } : {}),
  };
}
