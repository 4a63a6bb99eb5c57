// log-fetch's core: one search, whichever backend the log source names, attached to the incident.
import type { Invoker } from '../integrations/dry-run';
import { searchElasticsearch, type ElasticsearchOptions } from '../integrations/elasticsearch';
import { searchLoki, type LokiOptions } from '../integrations/loki';
import { searchSplunk, type SplunkOptions } from '../integrations/splunk';
import type { Incident, IncidentLogs } from '../model/types';
import { searchFiles, type FilesOptions } from './files';
import type { LogQuery, LogSearchResult } from './types';

export { buildLogQuery, DEFAULTS, DEFAULT_TYPES, QueryError, parseRoles, parseTypes, listOf, containsValue } from './query';
export type { QueryOptions } from './query';
export { searchFiles, listLogFiles } from './files';
export type { FilesOptions } from './files';
export { LogFetchError } from './types';
export type { LogEvent, LogQuery, LogSearchResult, SearchValue } from './types';

export const LOG_BACKENDS = ['files', 'elasticsearch', 'loki', 'splunk'] as const;
export type LogBackend = (typeof LOG_BACKENDS)[number];

export type LogSourceSettings =
  | { backend: 'files'; files: FilesOptions }
  | { backend: 'elasticsearch'; elasticsearch: ElasticsearchOptions }
  | { backend: 'loki'; loki: LokiOptions }
  | { backend: 'splunk'; splunk: SplunkOptions };

/**
 * Run the search. The files backend is local and always runs (dry-run or not); the remote ones
 * call through the invoker, so dry-run records the query instead of sending it.
 */
export function searchLogs(source: LogSourceSettings, query: LogQuery, invoker: Invoker): Promise<LogSearchResult> {
  switch (source.backend) {
    case 'files': return searchFiles(query, source.files);
    case 'elasticsearch': return searchElasticsearch(invoker, query, source.elasticsearch);
    case 'loki': return searchLoki(invoker, query, source.loki);
    case 'splunk': return searchSplunk(invoker, query, source.splunk);
  }
}

/** Default most events kept in the incident (the limit may ask the backend for more). */
export const DEFAULT_ATTACH = 100;

/**
 * incident.logs from a search result: the first `maxAttach` events, the total and the counts
 * (both over every match seen, so they may exceed the events attached), and the notes of the
 * query and the backend (what was moved, left out or not read).
 */
export function logsRecord(result: LogSearchResult, backend: LogBackend, query: LogQuery, at: Date, maxAttach = DEFAULT_ATTACH): IncidentLogs {
  const events = result.events.slice(0, maxAttach);
  const notes = [...(query.notes ?? []), ...(result.notes ?? [])];
  return {
    fetchedAt: at.toISOString(),
    backend,
    query: result.query,
    from: query.from,
    to: query.to,
    events,
    total: Math.max(result.total, result.events.length),
    totalExact: result.totalExact,
    truncated: result.truncated || events.length < result.events.length,
    counts: result.counts,
    ...(notes.length ? { notes } : {}),
    ...(result.dryRun ? { dryRun: true } : {}),
  };
}

/** One line for the timeline: how many, from where, per observable (over the same matches as the total), then the notes. */
export function describeResult(logs: IncidentLogs): string {
  const total = `${logs.totalExact ? '' : 'at least '}${logs.total}`;
  const per = Object.entries(logs.counts).map(([v, n]) => `${v}: ${n}`).join(', ');
  const notes = logs.notes?.length ? `; ${logs.notes.join('; ')}` : '';
  if (logs.dryRun) return `dry-run: would search ${logs.backend} from ${logs.from} to ${logs.to}${notes}`;
  const attached = logs.truncated || logs.events.length < logs.total ? `, ${logs.events.length} attached` : '';
  return `${total} log event(s) from ${logs.backend}${attached}${per ? ` (${per})` : ''}${notes}`;
}

export function attachLogs(incident: Incident, logs: IncidentLogs): void {
  incident.logs = logs;
}
