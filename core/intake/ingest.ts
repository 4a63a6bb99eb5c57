import { appendRepeatable, appendTimeline } from '../model/timeline';
import { createIncident, isActive, joinAlert, severityRank, DEFAULT_MAX_ALERTS } from '../model/incident';
import type { Incident, NodeRef, NormalizedAlert, Observable } from '../model/types';
import type { IncidentStore } from '../store/types';

export const DEFAULT_DEDUP_WINDOW_MS = 15 * 60 * 1000;

const MAIN_OBSERVABLE_TYPES = ['ip', 'user', 'host', 'domain', 'url', 'hash:sha256', 'hash:sha1', 'hash:md5', 'email', 'file'];

/** The observable that says who or what the alert is about: the source first, then by type. */
export function mainObservable(alert: NormalizedAlert): Observable | undefined {
  const sourced = alert.observables.find((o) => o.roles.includes('source') || o.roles.includes('actor'));
  if (sourced) return sourced;
  for (const type of MAIN_OBSERVABLE_TYPES) {
    const found = alert.observables.find((o) => o.type === type);
    if (found) return found;
  }
  return undefined;
}

/** Default grouping: source + rule/signature + main observable. */
export function defaultDedupKey(alert: NormalizedAlert): string {
  const rule = alert.rule?.id ?? alert.rule?.name ?? alert.title;
  const main = mainObservable(alert);
  return [alert.source, rule, main ? `${main.type}:${main.value}` : '-'].join('|');
}

/** What makes two deliveries the same alert: its id, or its content when ids are generated. */
function sameAlert(a: NormalizedAlert, b: NormalizedAlert): boolean {
  if (a.id === b.id) return true;
  // Same content means the same severity too: a pre-sent low copy must not swallow the
  // critical alert that follows it as a "re-delivery".
  if (a.source !== b.source || a.timestamp !== b.timestamp || a.title !== b.title || a.severity !== b.severity) return false;
  const values = (x: NormalizedAlert) => x.observables.map((o) => `${o.type}:${o.value}`).sort().join(',');
  return values(a) === values(b);
}

/**
 * Whether the alert joins this incident, whose alerts lie within the window of its time:
 * - a re-delivery of one of its alerts always does (a retried webhook never opens a second
 *   incident);
 * - an incident still being handled (open, acknowledged, contained) takes any alert;
 * - a resolved one takes the storm of its own alert (no higher severity), so a playbook that
 *   resolves fast does not open an incident per repetition; an escalation opens a new one,
 *   so the playbook runs again for it;
 * - a closed one takes nothing new.
 */
export function canJoin(incident: Incident, alert: NormalizedAlert, windowMs: number): boolean | 'preferred' {
  if (incident.alerts.some((known) => sameAlert(known, alert))) return 'preferred';
  if (incident.status === 'closed') return false;
  const at = Date.parse(alert.timestamp);
  const inWindow = at >= Date.parse(incident.firstSeenAt) - windowMs && at <= Date.parse(incident.lastSeenAt) + windowMs;
  if (!inWindow) return false;
  return isActive(incident) || severityRank(alert.severity) <= severityRank(incident.severity);
}

export interface IngestOptions {
  node: NodeRef;
  dedupKey?: string;
  windowMs?: number;
  maxAlerts?: number;
  /** Raw payloads larger than this are kept as an excerpt (default 64 KiB). */
  maxRawBytes?: number;
  /** Observables kept per alert and per incident (default 1000). */
  maxObservables?: number;
  now?: Date;
}

export const DEFAULT_MAX_RAW_BYTES = 64 * 1024;
export const DEFAULT_MAX_OBSERVABLES = 1000;
const RAW_EXCERPT_CHARS = 4096;

/**
 * Bounds what one alert adds to the store: an incident holds up to maxAlerts of them, so a
 * 1 MiB payload with ten thousand addresses must not be kept whole each time it repeats.
 */
export function trimAlert(alert: NormalizedAlert, maxRawBytes = DEFAULT_MAX_RAW_BYTES, maxObservables = DEFAULT_MAX_OBSERVABLES): NormalizedAlert {
  let trimmed = alert;
  if (alert.observables.length > maxObservables) {
    trimmed = { ...trimmed, observables: alert.observables.slice(0, maxObservables) };
  }
  const text = typeof alert.raw === 'string' ? alert.raw : JSON.stringify(alert.raw) ?? '';
  const bytes = Buffer.byteLength(text);
  if (bytes > maxRawBytes) {
    trimmed = { ...trimmed, raw: { truncated: true, bytes, excerpt: text.slice(0, RAW_EXCERPT_CHARS) } };
  }
  return trimmed;
}

export type IngestResult =
  | { outcome: 'new'; incident: Incident }
  | { outcome: 'duplicate'; incident: Incident }
  | { outcome: 'resolved'; incident: Incident }
  | { outcome: 'resolved-unmatched'; dedupKey: string };

/**
 * Turns one normalized alert into a new incident, or joins it to the open incident with the
 * same dedup key. A "resolved" notice joins its incident and never opens one of its own.
 */
export async function ingestAlert(store: IncidentStore, received: NormalizedAlert, options: IngestOptions): Promise<IngestResult> {
  const maxObservables = options.maxObservables ?? DEFAULT_MAX_OBSERVABLES;
  const alert = trimAlert(received, options.maxRawBytes, maxObservables);
  // Said in the timeline, never silent: the analyst must know the alert named more than was kept.
  const cut = received.observables.length - alert.observables.length;
  const cutNote = cut > 0 ? `; ${cut} more observables beyond the cap of ${maxObservables} were left out` : '';
  const dedupKey = options.dedupKey ?? defaultDedupKey(alert);
  const windowMs = options.windowMs ?? DEFAULT_DEDUP_WINDOW_MS;
  const maxAlerts = options.maxAlerts ?? DEFAULT_MAX_ALERTS;
  const now = options.now ?? new Date();

  if (alert.status === 'resolved') {
    const existing = await store.getByDedupKey(dedupKey);
    // A resolution is recorded on any incident not yet closed, resolved ones included.
    if (!existing || existing.status === 'closed') return { outcome: 'resolved-unmatched', dedupKey };
    const incident = await store.update(existing.id, (latest) => {
      // The same notice again (a retried webhook) is folded into the entry below, not counted.
      if (!latest.alerts.some((known) => known.status === 'resolved' && sameAlert(known, alert))) {
        joinAlert(latest, alert, maxAlerts, maxObservables);
      }
      // Recorded, and the source's page and ticket follow it, but the incident's status is the
      // playbook's and the analysts' to change: a forged or early "resolved" notice (even one
      // sent before the containment gate holds) must not cancel a containment.
      const pending = latest.holds.filter((h) => h.state === 'pending');
      appendRepeatable(latest, {
        node: options.node, action: 'source-resolved', outcome: 'ok', at: now,
        summary: `${alert.source} reports the problem resolved; the incident stays ${latest.status}${pending.length ? ` and ${pending.length} step(s) held for approval still wait for a person` : ''} until the playbook or an analyst resolves it`,
        details: { alertId: alert.id, alertTimestamp: alert.timestamp, status: latest.status, ...(pending.length ? { pendingHolds: pending.map((h) => h.id) } : {}) },
      });
    });
    return { outcome: 'resolved', incident };
  }

  const { incident, created } = await store.upsertByDedupKey(
    dedupKey,
    () => {
      const fresh = createIncident(alert, dedupKey, now);
      appendTimeline(fresh, {
        node: options.node, action: 'incident-opened', outcome: 'ok', at: now,
        summary: `New ${alert.severity} incident from ${alert.source}: ${alert.title}${cutNote}`,
        details: { alertId: alert.id, source: alert.source, observables: alert.observables.length, ...(cut > 0 ? { observablesLeftOut: cut } : {}) },
      });
      return fresh;
    },
    (latest) => {
      // A re-delivery is the same alert again: recorded, but not counted as another alert.
      if (latest.alerts.some((known) => sameAlert(known, alert))) {
        appendRepeatable(latest, {
          node: options.node, action: 'alert-redelivered', outcome: 'ok', at: now,
          summary: `The same ${alert.source} alert was delivered again (${latest.alertCount} ${latest.alertCount === 1 ? 'alert' : 'alerts'})`,
          details: { alertId: alert.id, alertTimestamp: alert.timestamp },
        });
        return;
      }
      joinAlert(latest, alert, maxAlerts, maxObservables);
      appendRepeatable(latest, {
        node: options.node, action: 'alert-joined', outcome: 'ok', at: now,
        summary: `Duplicate alert from ${alert.source} joined (${latest.alertCount} ${latest.alertCount === 1 ? 'alert' : 'alerts'})${cutNote}`,
        details: { alertId: alert.id, alertTimestamp: alert.timestamp },
      });
    },
    (existing) => canJoin(existing, alert, windowMs),
  );
  return created ? { outcome: 'new', incident } : { outcome: 'duplicate', incident };
}
