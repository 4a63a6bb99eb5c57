import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import {
  attachLogs, buildLogQuery, DEFAULT_ATTACH, describeResult, listOf, logsRecord, parseRoles, parseTypes, QueryError, searchLogs,
  type LogQuery, type LogSearchResult, type QueryOptions,
} from '../../core/logs';
import { requireCredentials } from '../../core/integrations';
import { KeyedSerialQueue } from '../../core/integrations/keyed-queue';
import { LimitedQueue } from '../../core/integrations/limited-queue';
import { appendTimeline } from '../../core/model/timeline';
import type { Incident, IncidentLogs } from '../../core/model/types';
import type { LogSourceNode } from '../common/log-source';
import { incidentOf, nodeRef, onInput, shortText, useStore, type IncidentMessage, type Send } from '../common/node';

/** Each option is a typed input: a value here, or msg./flow./global./env. */
interface LogFetchDef extends NodeDef {
  store: string;
  source: string;
  before?: string;
  beforeType?: string;
  after?: string;
  afterType?: string;
  types?: string;
  typesType?: string;
  roles?: string;
  rolesType?: string;
  terms?: string;
  termsType?: string;
  limit?: string;
  limitType?: string;
  /** Extra values to look for (msg only, e.g. msg.logValues). */
  values?: string;
  valuesType?: string;
  /** The window's centre instead of the alert times (msg only, e.g. msg.logAt). */
  at?: string;
  atType?: string;
  /** Most events kept in the incident. */
  attach?: string | number;
}

const ACTION = 'log-fetch';
/** Searches one node runs at once; the rest of a storm waits in line. */
const SEARCHES_AT_ONCE = 4;

// Glue: reads the typed inputs, builds the query from the incident (core/logs), runs it on
// the log source's backend, attaches the events and writes one timeline entry.
export = function (RED: NodeAPI): void {
  function LogFetch(this: Node, config: LogFetchDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { store } = useStore(RED, node, config.store);
    const source = config.source ? (RED.nodes.getNode(config.source) as LogSourceNode | null) : null;
    const attachMax = Number(config.attach) > 0 ? Math.floor(Number(config.attach)) : DEFAULT_ATTACH;
    // A few searches at a time: an alert storm waits here instead of scanning the same files N
    // times at once, and one search slowed by file I/O does not hold up all the others. Messages
    // of one incident still run in order (their results land in the same record).
    const searches = new LimitedQueue(SEARCHES_AT_ONCE);
    const perIncident = new KeyedSerialQueue();
    const showDepth = (depth: number): void => {
      if (depth > SEARCHES_AT_ONCE) node.status({ fill: 'blue', shape: 'dot', text: `queue: ${depth - SEARCHES_AT_ONCE}` });
    };
    node.status(source ? { fill: 'grey', shape: 'dot', text: source.backend === 'files' ? 'files' : `${source.backend} (${source.mode})` } : { fill: 'red', shape: 'ring', text: 'no log source' });

    const typed = (value: string | undefined, type: string | undefined, msg: NodeMessage): unknown => {
      // "none" is the dialog's empty choice; "date" (now) is the one type that has no value text.
      if (!type || type === 'none' || ((value === undefined || value === '') && type !== 'date')) return undefined;
      const v: unknown = RED.util.evaluateNodeProperty(value ?? '', type, node, msg);
      return v === '' || v === null ? undefined : v;
    };
    const num = (value: unknown, name: string): number | undefined => {
      if (value === undefined) return undefined;
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isFinite(n)) throw new Error(`log-fetch: ${name} must be a number, got ${JSON.stringify(value)}`);
      return n;
    };

    onInput(node, (msg, send) => {
      const given = incidentOf(msg);
      return perIncident.run(given.id, () => searches.run(() => search(msg, send, given), showDepth));
    });

    const search = async (msg: IncidentMessage, send: Send, given: Incident): Promise<void> => {
      let query: LogQuery | undefined;
      let result: LogSearchResult | undefined;
      let logs: IncidentLogs | undefined;
      let failure: Error | undefined;
      let skipped: string | undefined;
      const invoker = source?.invoker();
      let missing: string[] = [];
      try {
        if (!source || !invoker) throw new Error('log-fetch: choose a log source (ir-log-source config node)');
        const at = typed(config.at, config.atType, msg);
        const options: QueryOptions = {};
        const before = num(typed(config.before, config.beforeType ?? 'num', msg), 'minutes before');
        const after = num(typed(config.after, config.afterType ?? 'num', msg), 'minutes after');
        const limit = num(typed(config.limit, config.limitType ?? 'num', msg), 'the limit');
        const types = parseTypes(typed(config.types, config.typesType ?? 'str', msg));
        const roles = parseRoles(typed(config.roles, config.rolesType ?? 'str', msg));
        const terms = listOf(typed(config.terms, config.termsType ?? 'str', msg));
        const values = listOf(typed(config.values, config.valuesType, msg));
        if (before !== undefined) options.beforeMinutes = before;
        if (after !== undefined) options.afterMinutes = after;
        if (limit !== undefined) options.limit = limit;
        if (types) options.types = types;
        if (roles) options.roles = roles;
        if (terms.length) options.terms = terms;
        if (values.length) options.values = values;
        // A Date, epoch milliseconds (the editor's timestamp type) or an ISO-8601 string.
        if (at !== undefined) options.at = at instanceof Date ? at : typeof at === 'number' ? new Date(at) : String(at);
        query = buildLogQuery(given, options);
        const settings = source.settings();
        if (settings.backend === 'splunk') missing = requireCredentials(source.mode, 'Splunk', source.credentials, ['token']);
        node.status({ fill: 'blue', shape: 'dot', text: `searching ${source.backend}…` });
        result = await searchLogs(settings, query, invoker);
        logs = logsRecord(result, settings.backend, query, new Date(), attachMax);
      } catch (err) {
        if (err instanceof QueryError && err.code === 'nothing-to-search') skipped = err.message;
        else failure = err instanceof Error ? err : new Error(String(err));
      }
      msg.incident = await store.update(given.id, (inc) => {
        if (logs) attachLogs(inc, logs);
        const outcome = failure ? 'error' : skipped ? 'skipped' : logs?.dryRun ? 'dry-run' : 'ok';
        // The query's notes (a window moved to now, values left out) still explain a failed search.
        const queryNotes = query?.notes?.length ? `; ${query.notes.join('; ')}` : '';
        const summary = failure ? `log search failed: ${failure.message}${queryNotes}` : skipped ? `no log search: ${skipped.replace(/^log-fetch: /, '')}`
          : `${describeResult(logs as IncidentLogs)}${missing.length ? ` (live mode lacks ${missing.join(', ')})` : ''}`;
        appendTimeline(inc, {
          node: nodeRef(node), action: ACTION, outcome, summary,
          details: {
            ...(source ? { backend: source.backend, mode: source.mode } : {}),
            ...(query ? { from: query.from, to: query.to, observables: query.observables, terms: query.terms, limit: query.limit } : {}),
            ...(logs?.notes ? { notes: logs.notes } : query?.notes ? { notes: query.notes } : {}),
            ...(result ? { query: result.query, total: logs?.total, totalExact: logs?.totalExact, truncated: logs?.truncated, counts: result.counts, ...(result.stats && Object.keys(result.stats).length ? { stats: result.stats } : {}) } : {}),
            ...(invoker?.calls.length ? { calls: invoker.calls } : {}),
          },
        });
      }, given);
      if (failure) {
        send(msg); // the playbook goes on; the failure is in the timeline and catchable
        throw failure;
      }
      if (skipped) {
        node.status({ fill: 'grey', shape: 'ring', text: 'nothing to search' });
        send(msg);
        return;
      }
      const l = logs as IncidentLogs;
      // What the backend could not read shows in the status too: a partial result must not look whole.
      const unread = (result?.notes ?? []).map((n) => n.split(':')[0]);
      const count = `${l.totalExact ? '' : '≥'}${l.total} event(s)`;
      node.status(l.dryRun ? { fill: 'green', shape: 'dot', text: shortText(`dry-run: ${source?.backend ?? ''}`) }
        : unread.length ? { fill: 'yellow', shape: 'dot', text: shortText([count, ...unread].join('; '), 72) }
          : { fill: 'green', shape: 'dot', text: shortText(count) });
      send(msg);
    };
  }
  RED.nodes.registerType('ir-log-fetch', LogFetch);
};
