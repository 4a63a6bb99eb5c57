// PagerDuty Events API v2: one dedup key per incident, so re-deliveries and re-runs never open
// a second PagerDuty incident. Sent with the invoker directly (no SDK): pdjs's event() is
// https-only, resolves on 4xx/5xx and ignores Retry-After; the HTTP policy does all three.
import { createHash } from 'node:crypto';
import { HttpClientError, RateLimitedError } from '../http/errors';
import { redactText } from '../model/redact';
import type { Incident, Severity } from '../model/types';
import type { Invoker } from './dry-run';
import { joinUrl } from './ip-provider';
import { incidentLinks } from './slack';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const PAGERDUTY_API_URL = 'https://api.pagerduty.com';
export const SUMMARY_MAX = 1024;
export const DEDUP_KEY_MAX = 255;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export type EventAction = 'trigger' | 'acknowledge' | 'resolve';

const SEVERITY_MAP: Record<Severity, PagerDutySeverity> = { critical: 'critical', high: 'error', medium: 'warning', low: 'info' };

export function pagerDutySeverity(severity: Severity): PagerDutySeverity {
  return SEVERITY_MAP[severity];
}

/** Derived from the incident id alone: the same incident always gets the same key. */
export function dedupKeyFor(incidentId: string): string {
  const key = `ir-${incidentId}`;
  return key.length <= DEDUP_KEY_MAX ? key : `ir-sha256-${createHash('sha256').update(incidentId).digest('hex')}`;
}

/** What refs.pagerduty keeps. */
export interface PagerDutyRef {
  dedupKey: string;
  /** The last event PagerDuty accepted (or dry-run recorded). */
  state: 'triggered' | 'acknowledged' | 'resolved';
  dryRun?: boolean;
  /** The PagerDuty incident (REST lookup with the optional REST token): id, number and page. */
  incidentId?: string;
  incidentNumber?: number;
  htmlUrl?: string;
  [key: string]: unknown;
}

export interface DecideOptions {
  /** Severities that page. */
  triggerSeverities: readonly Severity[];
  /** msg.update from alert-in ('resolved': the source resolved the alert). */
  update?: unknown;
  /** Phases whose gate counts as acknowledgement once passed (e.g. containment). */
  ackPhases?: readonly string[];
}

export interface Decision {
  action?: EventAction;
  /** Why nothing is sent, when action is undefined. */
  reason?: string;
}

/** Timeline actions only a person takes: each one means someone is on the incident. */
const PERSON_ACTION_WORDS: Readonly<Record<string, string>> = {
  acknowledged: 'acknowledged by an analyst', 'approval-granted': 'an approval was granted', 'approval-denied': 'an approval was denied',
};
const PERSON_ACTIONS: ReadonlySet<string> = new Set(Object.keys(PERSON_ACTION_WORDS));

/**
 * Whether a person has taken the incident on, and how. Status 'acknowledged' alone does not
 * count: frameworks set it on entering their first working phase, before anyone looked.
 */
export function acknowledgedBy(incident: Incident, ackPhases: readonly string[] = []): string | undefined {
  if (incident.owner) return `owned by ${incident.owner}`;
  // A denial is a person's decision too; an expired approval is not (nobody acted).
  const byPerson = incident.timeline.find((e) => PERSON_ACTIONS.has(e.action));
  if (byPerson) return PERSON_ACTION_WORDS[byPerson.action];
  if (incident.status === 'contained') return 'contained';
  if (incident.phase && ackPhases.includes(incident.phase)) return `phase ${incident.phase} reached`;
  return undefined;
}

/** Which event (if any) the incident's state calls for, given what was sent before. */
export function decideEvent(incident: Incident, options: DecideOptions): Decision {
  const ref = incident.refs.pagerduty as PagerDutyRef | undefined;
  const done = incident.status === 'resolved' || incident.status === 'closed';
  // The source's "resolved" notice resolves the page, unless a step waits for a person: the
  // on-call must not be silenced by a notice (forged, or early) while containment is held.
  if (!done && options.update === 'resolved' && ref && ref.state !== 'resolved' && incident.holds.some((h) => h.state === 'pending')) {
    return { reason: `the source reports resolved, but a step is held for approval: the page stays until a person decides (dedup key ${ref.dedupKey})` };
  }
  const resolved = done || options.update === 'resolved';
  if (resolved) {
    if (!ref) return { reason: 'resolved, and never paged: nothing to resolve' };
    if (ref.state === 'resolved') return { reason: `already resolved (dedup key ${ref.dedupKey})` };
    return { action: 'resolve' };
  }
  const acked = acknowledgedBy(incident, options.ackPhases);
  // Never paged (the trigger failed, or the incident was not severe enough then) and only the
  // playbook moved it on: nobody is on it yet, so page now rather than never.
  const byPerson = Boolean(incident.owner) || incident.timeline.some((e) => PERSON_ACTIONS.has(e.action));
  if (acked && !ref && !byPerson && options.triggerSeverities.includes(incident.severity)) return { action: 'trigger' };
  if (acked) {
    if (!ref) return { reason: `${acked}: someone is on it, no page` };
    if (ref.state !== 'triggered') return { reason: `already ${ref.state} (dedup key ${ref.dedupKey})` };
    return { action: 'acknowledge' };
  }
  if (ref) return { reason: `already paged (dedup key ${ref.dedupKey})` };
  if (!options.triggerSeverities.includes(incident.severity)) return { reason: `severity ${incident.severity} does not page (pages: ${options.triggerSeverities.join(', ') || 'none'})` };
  return { action: 'trigger' };
}

function cut(text: string, max: number): string {
  const marker = '… (truncated)';
  return text.length <= max ? text : text.slice(0, max - marker.length) + marker;
}

export interface EventOptions {
  /** payload.source; default the first host observable, else the alert's source. */
  source?: string;
  /** `client` shown in PagerDuty. */
  client?: string;
}

/** The Events API v2 body (routing key added by sendEvent). */
export function buildEvent(incident: Incident, action: EventAction, options: EventOptions = {}): Record<string, unknown> {
  const dedupKey = (incident.refs.pagerduty as PagerDutyRef | undefined)?.dedupKey ?? dedupKeyFor(incident.id);
  if (action !== 'trigger') return { event_action: action, dedup_key: dedupKey };
  const host = incident.observables.find((o) => o.type === 'host')?.value;
  const source = options.source || host || incident.alerts[0]?.source || 'node-red';
  const links = incidentLinks(incident).filter((l) => /^https?:/i.test(l.href));
  return {
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: cut(`[${incident.severity.toUpperCase()}] ${incident.title}`, SUMMARY_MAX),
      source: cut(source, 255),
      severity: pagerDutySeverity(incident.severity),
      timestamp: incident.firstSeenAt,
      ...(incident.alerts[0]?.rule?.name || incident.alerts[0]?.rule?.id ? { class: cut(String(incident.alerts[0]?.rule?.name ?? incident.alerts[0]?.rule?.id), 255) } : {}),
      ...(incident.framework ? { group: incident.framework } : {}),
      custom_details: {
        incident_id: incident.id,
        status: incident.status,
        phase: incident.phase ?? null,
        severity: incident.severity,
        alert_count: incident.alertCount,
        first_seen: incident.firstSeenAt,
        last_seen: incident.lastSeenAt,
        observables: incident.observables.slice(0, 20).map((o) => `${o.type}:${cut(o.value, 200)}${o.verdict ? ` (${o.verdict})` : ''}`),
      },
    },
    ...(links.length ? { links } : {}),
    client: options.client ?? 'Node-RED incident response',
  };
}

/** A PagerDuty failure in words a user can act on. */
export class PagerDutyError extends Error {
  readonly code: string;
  readonly transient: boolean;

  constructor(message: string, code: string, transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PagerDutyError';
    this.code = code;
    this.transient = transient;
  }
}

export interface SendOptions {
  routingKey?: string;
  /** Default https://events.pagerduty.com/v2/enqueue. */
  eventsUrl?: string;
  missingCredentials?: readonly string[];
}

export interface SendResult {
  /** The key we sent (derived from the incident id): later events must use it. */
  dedupKey: string;
  status: number;
  dryRun: boolean;
}

/** The one place that calls PagerDuty Events: POST /v2/enqueue through the invoker. */
export async function sendEvent(invoker: Invoker, event: Record<string, unknown>, options: SendOptions): Promise<SendResult> {
  const dedupKey = String(event.dedup_key);
  let res;
  try {
    res = await invoker.invoke({
      operation: `pagerduty.${String(event.event_action)}`,
      method: 'POST',
      url: options.eventsUrl || PAGERDUTY_EVENTS_URL,
      json: { routing_key: options.routingKey ?? '', ...event },
      idempotent: true, // PagerDuty de-duplicates on dedup_key: a repeat cannot open a second incident
      destination: 'pagerduty-events',
      accept: [400], // read PagerDuty's own error list below
      simulated: { status: 202, json: { status: 'success', message: 'Event processed', dedup_key: dedupKey } },
      ...(options.missingCredentials?.length ? { missingCredentials: options.missingCredentials } : {}),
    });
  } catch (err) {
    if (err instanceof RateLimitedError) {
      throw new PagerDutyError(`PagerDuty rate limit (about 120 events per minute per routing key) still hit after the retries${err.retryAfterMs !== undefined ? `; retry after ${Math.ceil(err.retryAfterMs / 1000)} s` : ''}`, 'rate-limited', true, { cause: err });
    }
    if (err instanceof HttpClientError) {
      const status = (err as { status?: number }).status;
      const what = status === 404 ? 'the events URL is wrong (404): check the Events URL in the PagerDuty config node'
        : status !== undefined && status >= 500 ? `PagerDuty answered ${status} after the retries (PagerDuty outage?)`
          : `PagerDuty unreachable: ${err.message}`;
      throw new PagerDutyError(what, err.code, err.transient, { cause: err });
    }
    throw err;
  }
  if (res.status === 400) {
    let errors: string[] = [];
    try {
      const body = res.json<{ message?: string; errors?: unknown }>();
      errors = Array.isArray(body.errors) ? body.errors.map(String) : [String(body.message ?? 'invalid event')];
    } catch {
      errors = [res.text.slice(0, 200)];
    }
    const keyHint = errors.some((e) => /routing_key/i.test(e)) ? ': copy the Integration Key of the service\'s Events API v2 integration into the PagerDuty config node' : '';
    throw new PagerDutyError(`PagerDuty refused the ${String(event.event_action)} event: ${errors.join('; ')}${keyHint}`, 'invalid-event', false);
  }
  // The key we derive stands: acknowledge and resolve must find the incident by the documented
  // ir-<incident id>, whatever an answer (a proxy, a stub, a bug) says. A different one is noted.
  let answered: unknown;
  try {
    answered = res.json<{ dedup_key?: unknown }>().dedup_key;
  } catch {
    // 202 without JSON: nothing to compare.
  }
  const differs = answered !== undefined && answered !== dedupKey;
  if (differs) {
    const record = invoker.calls.at(-1);
    if (record) record.note = `PagerDuty answered dedup_key ${JSON.stringify(redactText(String(answered)).slice(0, 300))}; the key sent (${dedupKey}) is kept`;
  }
  return { dedupKey, status: res.status, dryRun: res.dryRun };
}

export interface FindOptions {
  apiToken?: string;
  /** Default https://api.pagerduty.com (EU: https://api.eu.pagerduty.com). */
  apiUrl?: string;
  missingCredentials?: readonly string[];
}

export interface FoundIncident {
  id: string;
  number?: number;
  htmlUrl?: string;
  status?: string;
}

/**
 * The PagerDuty incident our events opened (REST API: GET /incidents?incident_key=), so the
 * incident can link to it. The Events API answers before the incident exists, so "not yet" is
 * a normal answer (undefined); the next event looks again.
 */
export async function findIncident(invoker: Invoker, dedupKey: string, options: FindOptions): Promise<FoundIncident | undefined> {
  // Under the base URL's own path (new URL('/incidents', base) would drop a base like http://proxy/pd).
  const url = new URL(joinUrl(options.apiUrl || PAGERDUTY_API_URL, '/incidents'));
  url.searchParams.set('incident_key', dedupKey);
  url.searchParams.set('limit', '1');
  let res;
  try {
    res = await invoker.invoke({
      operation: 'pagerduty.incidents.list',
      method: 'GET',
      url: url.href,
      headers: { authorization: `Token token=${options.apiToken ?? ''}`, accept: 'application/vnd.pagerduty+json;version=2' },
      destination: 'pagerduty-rest',
      accept: [401, 403],
      simulated: { status: 200, json: { incidents: [], limit: 1, offset: 0, more: false } },
      ...(options.missingCredentials?.length ? { missingCredentials: options.missingCredentials } : {}),
    });
  } catch (err) {
    if (err instanceof RateLimitedError) throw new PagerDutyError('PagerDuty REST API rate limit still hit after the retries', 'rate-limited', true, { cause: err });
    if (err instanceof HttpClientError) throw new PagerDutyError(`PagerDuty REST API: ${err.message}`, err.code, err.transient, { cause: err });
    throw err;
  }
  if (res.status === 401 || res.status === 403) {
    throw new PagerDutyError(`PagerDuty REST API refused the token (${res.status}): create a read-only API key (Integrations → API Access Keys) and put it in the config node's REST token`, 'unauthorized', false);
  }
  let first: Record<string, unknown> | undefined;
  try {
    const body = res.json<{ incidents?: unknown }>();
    first = Array.isArray(body.incidents) ? (body.incidents[0] as Record<string, unknown> | undefined) : undefined;
  } catch {
    throw new PagerDutyError('PagerDuty REST API answered something that is not JSON', 'invalid-response', true);
  }
  if (!first || typeof first.id !== 'string') return undefined;
  return {
    id: first.id,
    ...(typeof first.incident_number === 'number' ? { number: first.incident_number } : {}),
    ...(typeof first.html_url === 'string' && /^https?:\/\//i.test(first.html_url) ? { htmlUrl: first.html_url } : {}),
    ...(typeof first.status === 'string' ? { status: first.status } : {}),
  };
}
