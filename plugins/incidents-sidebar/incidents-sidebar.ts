// The runtime half of the editor's incident sidebar: admin routes under /ir/incidents that list
// and show the incidents of the stores deployed nodes use, and apply an analyst's actions. The
// editor half (incidents-sidebar.html) calls them; Node-RED's admin auth protects them.

import type { NextFunction, Request, Response } from 'express';
import type { NodeAPI } from 'node-red';
import {
  AnalystActionError, applyAnalystAction, canAcknowledge, isAnalystAction, MAX_REASON_LENGTH, optionalText, rebuildReport, requireText, type ActionInput,
} from '../../core/actions/analyst';
import { getFramework, getPhase, phaseLabel } from '../../core/frameworks';
import {
  SEVERITIES, type Hold, type Incident, type IncidentStatus, type NormalizedAlert, type Severity,
} from '../../core/model/types';
import { IncidentNotFoundError, type IncidentStore } from '../../core/store/types';
import { gates } from '../../nodes/common/gates';
import { followIncident } from '../../nodes/common/followers';
import { restorers, type RestoreHandle } from '../../nodes/common/restorers';
import { activeStores } from '../../nodes/common/store';

const PLUGIN_ID = 'ir-incidents-sidebar';
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 1000;

/** A hold as the editor sees it: without its token hashes. */
type HoldView = Omit<Hold, 'tokens'> & { phaseLabel: string; gateDeployed: boolean };
/** An alert without its raw payload, which can be large. */
type AlertView = Omit<NormalizedAlert, 'raw'>;

type IncidentView = Omit<Incident, 'holds' | 'alerts'> & {
  holds: HoldView[];
  alerts: AlertView[];
  frameworkLabel?: string;
  phaseLabel?: string;
  /** The runtime's rule, so the sidebar offers Acknowledge exactly when it would be taken. */
  canAcknowledge: boolean;
};

interface IncidentSummary {
  id: string;
  revision: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  resolution?: Incident['resolution'];
  owner?: string;
  framework?: string;
  frameworkLabel?: string;
  phase?: string;
  phaseLabel?: string;
  alertCount: number;
  pendingHolds: number;
  createdAt: string;
  updatedAt: string;
  lastSeenAt: string;
}

type ErrorCode = 'cross-site' | 'bad-request' | 'not-found' | 'unknown-action' | 'invalid' | 'conflict' | 'forbidden' | 'expired' | 'gate-not-deployed' | 'restore-not-deployed' | 'unsupported-media-type' | 'failed';

class RouteError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, message: string) {
    super(message);
  }
}

function labels(incident: Incident): { frameworkLabel?: string; phaseLabel?: string } {
  const framework = incident.framework ? getFramework(incident.framework) : undefined;
  const phase = framework && incident.phase ? getPhase(framework, incident.phase) : undefined;
  return { ...(framework ? { frameworkLabel: framework.label } : {}), ...(phase ? { phaseLabel: phase.label } : {}) };
}

function summary(incident: Incident): IncidentSummary {
  return {
    id: incident.id, revision: incident.revision, title: incident.title, severity: incident.severity, status: incident.status,
    ...(incident.resolution ? { resolution: incident.resolution } : {}),
    ...(incident.owner ? { owner: incident.owner } : {}),
    ...(incident.framework ? { framework: incident.framework } : {}),
    ...(incident.phase ? { phase: incident.phase } : {}),
    ...labels(incident),
    alertCount: incident.alertCount,
    pendingHolds: incident.holds.filter((h) => h.state === 'pending').length,
    createdAt: incident.createdAt, updatedAt: incident.updatedAt, lastSeenAt: incident.lastSeenAt,
  };
}

function incidentView(incident: Incident): IncidentView {
  const framework = incident.framework ? getFramework(incident.framework) : undefined;
  const holds = incident.holds.map(({ tokens: _tokens, ...hold }): HoldView => ({
    ...hold,
    phaseLabel: phaseLabel(framework, hold.phase),
    gateDeployed: gates.has(hold.gate.id),
  }));
  const alerts = incident.alerts.map(({ raw: _raw, ...alert }): AlertView => alert);
  return { ...incident, holds, alerts, ...labels(incident), canAcknowledge: canAcknowledge(incident) };
}

/**
 * `state`: open (still being handled: open, acknowledged or contained; the default), resolved
 * (the playbook resolved it, an analyst has not closed it), closed, or all; `severity`: a comma
 * list; `q`: text in the title, id, owner or an observable's value (case-insensitive); `limit`.
 */
interface ListFilter {
  statuses?: IncidentStatus[];
  severities?: Severity[];
  text?: string;
  limit: number;
}

const MAX_QUERY_LENGTH = 200;

/** What a list answers: the newest `limit` incidents of the `total` that match. */
interface ListAnswer {
  incidents: IncidentSummary[];
  total: number;
  limit: number;
}

function queryText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new RouteError(400, 'bad-request', `give ${name} once`);
  return value;
}

function parseListQuery(query: Record<string, unknown>): ListFilter {
  const state = queryText(query.state, 'state') ?? 'open';
  const byState: Record<string, IncidentStatus[] | undefined> = {
    open: ['open', 'acknowledged', 'contained'], resolved: ['resolved'], closed: ['closed'], all: undefined,
  };
  if (!Object.hasOwn(byState, state)) throw new RouteError(400, 'bad-request', `unknown state "${state}": use open, resolved, closed or all`);
  const filter: ListFilter = { limit: DEFAULT_LIMIT };
  const statuses = byState[state];
  if (statuses) filter.statuses = statuses;
  const severity = queryText(query.severity, 'severity');
  if (severity !== undefined && severity !== '') {
    const wanted = severity.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = wanted.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
    if (unknown.length) throw new RouteError(400, 'bad-request', `unknown severity "${unknown[0]}": use ${SEVERITIES.join(', ')}`);
    filter.severities = wanted as Severity[];
  }
  const text = queryText(query.q, 'q')?.trim().toLowerCase();
  if (text && text.length > MAX_QUERY_LENGTH) throw new RouteError(400, 'bad-request', `q is longer than ${MAX_QUERY_LENGTH} characters`);
  if (text) filter.text = text;
  const limit = queryText(query.limit, 'limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new RouteError(400, 'bad-request', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
    filter.limit = n;
  }
  return filter;
}

function matchesText(incident: Incident, text: string): boolean {
  const values = [incident.title, incident.id, incident.owner ?? '', ...incident.observables.map((o) => o.value)];
  return values.some((v) => typeof v === 'string' && v.toLowerCase().includes(text));
}

async function listIncidents(filter: ListFilter): Promise<ListAnswer> {
  const found: Incident[] = [];
  for (const store of activeStores()) {
    const incidents = await store.list(filter.statuses ? { status: filter.statuses } : {});
    found.push(...incidents.filter((i) => (!filter.severities || filter.severities.includes(i.severity)) && (!filter.text || matchesText(i, filter.text))));
  }
  // ULIDs sort by creation time: newest first across stores.
  found.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { incidents: found.slice(0, filter.limit).map(summary), total: found.length, limit: filter.limit };
}

// Incident ids are ULIDs (the schema says so): anything else names no incident.
const INCIDENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

async function findIncident(id: string): Promise<{ store: IncidentStore; incident: Incident }> {
  for (const store of INCIDENT_ID.test(id) ? activeStores() : []) {
    const incident = await store.get(id);
    if (incident) return { store, incident };
  }
  throw new RouteError(404, 'not-found', `no incident ${id} in the incident stores of the deployed flows`);
}

interface EditorUser {
  username?: string;
}

/** Who acts: the editor login when adminAuth is on; without a login there is no one to name. */
function editorUser(req: Request): string {
  const user = (req as Request & { user?: EditorUser }).user;
  return typeof user?.username === 'string' && user.username ? user.username : 'editor';
}

/** A route parameter (Express types allow arrays for wildcard parameters; these are plain). */
function param(req: Request, name: string): string {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
}

const STATUS_CODES: Record<number, ErrorCode> = { 400: 'invalid', 403: 'forbidden', 404: 'not-found', 409: 'conflict', 410: 'expired' };

function sendError(res: Response, err: unknown): void {
  if (err instanceof RouteError) {
    res.status(err.status).json({ error: { code: err.code, message: err.message } });
  } else if (err instanceof AnalystActionError) {
    res.status(err.code === 'invalid' ? 400 : 409).json({ error: { code: err.code, message: err.message } });
  } else if (err instanceof IncidentNotFoundError) {
    res.status(404).json({ error: { code: 'not-found', message: err.message } });
  } else {
    res.status(500).json({ error: { code: 'failed', message: err instanceof Error ? err.message : String(err) } });
  }
}

/** Approve or deny a pending hold: its phase-gate decides and continues the flow. */
async function decideHold(incidentId: string, decision: 'approve' | 'deny', body: ActionInput & { holdId?: unknown }, user: string): Promise<string> {
  if (typeof body.holdId !== 'string' || !body.holdId) throw new RouteError(400, 'invalid', 'holdId is missing: which approval is decided?');
  const reason = requireText(body.reason, 'the reason', MAX_REASON_LENGTH);
  const { incident } = await findIncident(incidentId);
  const hold = incident.holds.find((h) => h.id === body.holdId);
  if (!hold) throw new RouteError(404, 'not-found', `incident ${incidentId} has no approval ${body.holdId}`);
  const gate = gates.get(hold.gate.id);
  if (!gate) throw new RouteError(409, 'gate-not-deployed', `the phase-gate that holds this step (${hold.gate.name ?? hold.gate.id}) is not deployed`);
  // No token: the editor login vouches for the user (approver lists are still checked).
  const result = await gate.decide(incidentId, hold.id, decision, undefined, user, reason);
  if (result.status !== 200) throw new RouteError(result.status, STATUS_CODES[result.status] ?? 'failed', result.message);
  return result.message;
}

/**
 * Restore what the incident disabled: each directory's deployed disable-account node in restore
 * mode (on the incident's store) re-enables its accounts and continues its flow.
 */
async function restoreAccounts(incidentId: string, body: ActionInput, user: string): Promise<string> {
  const reason = optionalText(body.reason, 'the reason', MAX_REASON_LENGTH);
  const { store, incident } = await findIncident(incidentId);
  const accounts = incident.accounts ?? [];
  const disabled = accounts.filter((a) => a.state === 'disabled');
  if (!disabled.length) {
    throw new RouteError(409, 'conflict', accounts.length ? 'every account this incident disabled is restored already' : 'this incident disabled no account: nothing to restore');
  }
  const handles: RestoreHandle[] = [];
  for (const directoryId of new Set(disabled.map((a) => a.directory.id))) {
    const handle = [...restorers.values()].find((r) => r.directoryId === directoryId && r.store === store);
    const named = disabled.find((a) => a.directory.id === directoryId)!.directory;
    if (!handle) throw new RouteError(409, 'restore-not-deployed', `no disable-account node in restore mode is deployed for the directory ${named.name ?? named.id} (and this incident's store)`);
    handles.push(handle);
  }
  for (const handle of handles) await handle.restore(incidentId, user, reason);
  // The report said which accounts were not restored: it must say so no longer.
  if (incident.report) await store.update(incidentId, (latest) => { rebuildReport(latest); });
  return `Restore asked for ${disabled.length} account(s): ${disabled.map((a) => a.login || a.identifier).join(', ')}. The timeline says what was re-enabled.`;
}

/** host:port of a URL or Host header, with the scheme's default port made explicit; undefined when unparsable. */
function hostPort(value: string, scheme = 'http:'): string | undefined {
  try {
    const url = new URL(value.includes('://') ? value : `${scheme}//${value}`);
    if (!url.host) return undefined;
    const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
    return `${url.hostname.toLowerCase()}:${port}`;
  } catch {
    return undefined;
  }
}

/**
 * Why a request comes from another site, or undefined when it does not. Node-RED's admin app
 * answers with `Access-Control-Allow-Origin: *`, so without an editor login any page the analyst
 * visits could read incidents and decide holds. Browsers say where a request comes from
 * (Sec-Fetch-Site, Origin); requests without either (curl, scripts) are not a browser's and pass.
 */
function crossSiteReason(headers: Request['headers']): string | undefined {
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return `requests from another site are refused (Sec-Fetch-Site: ${fetchSite})`;
  // The browser vouches for the editor's own requests (no page can set this header): trusted even
  // when a reverse proxy rewrote the Host header. Older browsers without it get the Origin check.
  if (fetchSite === 'same-origin') return undefined;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  const host = headers.host;
  const originHost = hostPort(origin);
  if (!host || !originHost) return `requests from origin ${JSON.stringify(origin)} are refused`;
  const scheme = /^https:/i.test(origin) ? 'https:' : 'http:';
  if (originHost !== hostPort(host, scheme)) return `requests from origin ${origin} are refused: the editor is served from ${host}`;
  return undefined;
}

function sameSite(req: Request, res: Response, next: NextFunction): void {
  const reason = crossSiteReason(req.headers);
  if (reason) {
    res.status(403).json({ error: { code: 'cross-site', message: reason } });
    return;
  }
  next();
}

// Analyst actions the integrations must hear of (a note changes nothing they show).
const FOLLOWED_ACTIONS = new Set(['acknowledge', 'assign', 'severity', 'close', 'reopen']);

function registerRoutes(RED: NodeAPI): void {
  const read = RED.auth.needsPermission('ir-incidents.read');
  const write = RED.auth.needsPermission('ir-incidents.write');

  RED.httpAdmin.get('/ir/incidents', sameSite, read, (req, res) => {
    Promise.resolve()
      .then(async () => {
        const filter = parseListQuery(req.query as Record<string, unknown>);
        res.json({ ...(await listIncidents(filter)), stores: activeStores().length });
      })
      .catch((err: unknown) => sendError(res, err));
  });

  RED.httpAdmin.get('/ir/incidents/:id', sameSite, read, (req, res) => {
    findIncident(param(req, 'id'))
      .then(({ incident }) => res.json({ incident: incidentView(incident) }))
      .catch((err: unknown) => sendError(res, err));
  });

  RED.httpAdmin.post('/ir/incidents/:id/:action', sameSite, write, (req, res) => {
    const id = param(req, 'id');
    const action = param(req, 'action');
    const user = editorUser(req);
    Promise.resolve()
      .then(async () => {
        // JSON only: a cross-site form cannot send it (and sameSite refuses cross-site fetches).
        if (!req.is('application/json')) throw new RouteError(415, 'unsupported-media-type', 'send the action as application/json');
        const body = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as ActionInput & { holdId?: unknown };
        let message = '';
        let incident: Incident;
        if (action === 'approve' || action === 'deny') {
          message = await decideHold(id, action, body, user);
          ({ incident } = await findIncident(id));
        } else if (action === 'restore') {
          message = await restoreAccounts(id, body, user);
          ({ incident } = await findIncident(id));
        } else if (isAnalystAction(action)) {
          const { store } = await findIncident(id);
          incident = await store.update(id, (latest) => { message = applyAnalystAction(latest, action, body, { user }).summary; });
          // The Slack message, the page and the Jira issue follow (a close resolves the page).
          // In the background: a slow or failing vendor must not hold the editor's answer.
          if (FOLLOWED_ACTIONS.has(action)) {
            const changed = incident;
            followIncident(store, changed).then((outcomes) => {
              for (const o of outcomes) if (o.error) RED.log.warn(`[incident-response] incident ${id}: ${o.type} ${o.nodeId} after ${action}: ${o.error}`);
            }, (err: unknown) => RED.log.warn(`[incident-response] incident ${id}: following ${action} failed: ${err instanceof Error ? err.message : String(err)}`));
          }
        } else {
          throw new RouteError(400, 'unknown-action', `unknown action "${action}": use acknowledge, assign, note, severity, close, reopen, approve, deny or restore`);
        }
        RED.log.info(`[incident-response] ${user}: ${action} on incident ${id}`);
        res.json({ message, incident: incidentView(incident) });
      })
      .catch((err: unknown) => sendError(res, err));
  });
}

export = function (RED: NodeAPI): void {
  // The editor half (the .html) adds the sidebar tab in its onadd; this half only serves it.
  RED.plugins.registerPlugin(PLUGIN_ID, { type: PLUGIN_ID });
  // Registered at load, as core nodes register their admin routes, not in onadd: the test
  // helper stubs the plugin registry, and the routes must exist there too.
  registerRoutes(RED);
};
