// PagerDuty Events API v2 on loopback: POST /v2/enqueue, answering
// like the real service (PagerDuty/developer-docs events-API-v2; api-schema events-v2):
// 202 {status:'success', message:'Event processed', dedup_key}; 400 {status:'invalid event',
// message:'Event object is invalid', errors:[…]}; 400 'Unrecognized object' for unparsable JSON.
// 429 and 5xx are injected with emulator.script() / faults.
import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export interface PagerDutyEmulator extends Emulator {
  /** Accepted events, in order. */
  events: PagerDutyEvent[];
  /** Incidents opened by trigger events, by dedup key (REST: GET /incidents?incident_key=). */
  incidents: Map<string, PagerDutyIncident>;
  /** The REST API token GET /incidents accepts. */
  restToken: string;
}

export interface PagerDutyIncident {
  id: string;
  incident_number: number;
  html_url: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  incident_key: string;
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; source: string; severity: string; [k: string]: unknown };
  [k: string]: unknown;
}

const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const ACTIONS = ['trigger', 'acknowledge', 'resolve'];

/** Check an event as the service does; the error strings follow the ones PagerDuty returns. */
export function validateEvent(body: unknown): string[] {
  const errors: string[] = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['Event object must be a JSON object'];
  const e = body as Record<string, unknown>;
  if (typeof e.routing_key !== 'string' || e.routing_key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  if (typeof e.event_action !== 'string' || !ACTIONS.includes(e.event_action)) errors.push("'event_action' is missing or blank");
  if (e.dedup_key !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key.length > 255)) errors.push("'dedup_key' must be a string of at most 255 characters");
  if (e.event_action !== 'trigger' && e.event_action !== undefined && typeof e.dedup_key !== 'string') errors.push("'dedup_key' is required for acknowledge and resolve events");
  if (e.event_action === 'trigger') {
    const p = e.payload as Record<string, unknown> | undefined;
    if (!p || typeof p !== 'object') errors.push("'payload' is missing or blank");
    else {
      if (typeof p.summary !== 'string' || !p.summary) errors.push("'payload.summary' is missing or blank");
      else if (p.summary.length > 1024) errors.push("'payload.summary' is longer than 1024 characters");
      if (typeof p.source !== 'string' || !p.source) errors.push("'payload.source' is missing or blank");
      if (typeof p.severity !== 'string' || !SEVERITIES.includes(p.severity)) errors.push("'payload.severity' must be one of critical, error, warning, info");
    }
  }
  return errors;
}

export const PAGERDUTY_REST_TOKEN = 'u+pdRestTokenForTests0';

export async function startPagerDutyEvents(): Promise<PagerDutyEmulator> {
  const events: PagerDutyEvent[] = [];
  const incidents = new Map<string, PagerDutyIncident>();
  let number = 0;
  // What the service does with an accepted event: a trigger opens (or joins) the incident of
  // its dedup key; acknowledge and resolve move an open one.
  const apply = (event: PagerDutyEvent): void => {
    const open = incidents.get(event.dedup_key);
    if (event.event_action === 'trigger') {
      if (!open || open.status === 'resolved') {
        const id = `Q${randomBytes(6).toString('hex').toUpperCase()}`;
        incidents.set(event.dedup_key, { id, incident_number: ++number, html_url: `https://example.pagerduty.com/incidents/${id}`, status: 'triggered', incident_key: event.dedup_key });
      }
    } else if (open && open.status !== 'resolved') {
      open.status = event.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
    }
  };
  // REST API v2 list incidents: Authorization "Token token=…", answers {incidents, limit, offset, more}.
  const list = (req: RecordedRequest): ScriptedResponse => {
    if (req.headers.authorization !== `Token token=${PAGERDUTY_REST_TOKEN}`) {
      return { status: 401, body: { error: { message: 'Authentication failed', code: 2006, errors: [] } } };
    }
    const key = req.query.incident_key;
    const found = key ? incidents.get(key) : undefined;
    return { status: 200, body: { incidents: found ? [found] : [], limit: 25, offset: 0, more: false, total: null } };
  };
  const enqueue = (req: RecordedRequest): ScriptedResponse => {
    if (req.json === undefined) {
      return { status: 400, body: { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] } };
    }
    const errors = validateEvent(req.json);
    if (errors.length) return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
    const event = { ...(req.json as PagerDutyEvent) };
    event.dedup_key ??= randomBytes(16).toString('hex');
    events.push(event);
    apply(event);
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: event.dedup_key } };
  };
  const emulator = await startEmulator({
    routes: [
      { method: 'POST', path: '/v2/enqueue', respond: enqueue },
      { method: 'GET', path: '/incidents', respond: list },
    ],
  });
  const reset = emulator.reset;
  return Object.assign(emulator, {
    events,
    incidents,
    restToken: PAGERDUTY_REST_TOKEN,
    reset() {
      reset();
      events.length = 0;
      incidents.clear();
    },
  });
}
