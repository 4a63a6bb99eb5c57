import { newId } from './id';
import { SCHEMA_VERSION, SEVERITIES } from './types';
import type { Incident, IncidentStatus, NormalizedAlert, Observable, Severity } from './types';

export const DEFAULT_MAX_ALERTS = 20;

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/**
 * Adds observables not yet present (up to `max` in all) and merges roles and tags of those
 * that are. Returns how many new ones did not fit.
 */
export function mergeObservables(into: Observable[], from: readonly Observable[], max = Number.POSITIVE_INFINITY): number {
  const index = new Map(into.map((o) => [`${o.type}\u0000${o.value}`, o]));
  let dropped = 0;
  for (const o of from) {
    const key = `${o.type}\u0000${o.value}`;
    const existing = index.get(key);
    if (!existing && into.length >= max) {
      dropped++;
      continue;
    }
    if (!existing) {
      const copy: Observable = { type: o.type, value: o.value, roles: [...o.roles], tags: [...o.tags] };
      into.push(copy);
      index.set(key, copy);
      continue;
    }
    for (const role of o.roles) if (!existing.roles.includes(role)) existing.roles.push(role);
    for (const tag of o.tags) if (!existing.tags.includes(tag)) existing.tags.push(tag);
  }
  return dropped;
}

// Control characters and bidirectional overrides in a title can hide or reorder what an
// analyst reads; the alert keeps the original in raw.
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function safeText(text: string): string {
  return text.replace(UNSAFE_TEXT, '').replace(/\s+/g, ' ').trim();
}

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function earlier(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** Keeps the newest alerts; alertCount still counts every one. */
function capAlerts(incident: Incident, maxAlerts: number): void {
  if (incident.alerts.length > maxAlerts) incident.alerts.splice(0, incident.alerts.length - maxAlerts);
}

export function createIncident(alert: NormalizedAlert, dedupKey: string, now: Date = new Date()): Incident {
  const at = now.toISOString();
  const incident: Incident = {
    id: newId(now.getTime()),
    schemaVersion: SCHEMA_VERSION,
    revision: 0,
    title: safeText(alert.title).slice(0, 1000) || `${alert.source} alert`,
    severity: alert.severity,
    status: 'open',
    phases: [],
    alerts: [alert],
    alertCount: 1,
    firstSeenAt: alert.timestamp,
    lastSeenAt: alert.timestamp,
    dedupKey,
    observables: [],
    timeline: [],
    refs: {},
    holds: [],
    metrics: {},
    createdAt: at,
    updatedAt: at,
  };
  mergeObservables(incident.observables, alert.observables);
  return incident;
}

/** A further alert joins the incident: counts, times, severity (never lowered), observables. */
export function joinAlert(incident: Incident, alert: NormalizedAlert, maxAlerts = DEFAULT_MAX_ALERTS, maxObservables = Number.POSITIVE_INFINITY): void {
  incident.alerts.push(alert);
  capAlerts(incident, maxAlerts);
  incident.alertCount += 1;
  incident.firstSeenAt = earlier(incident.firstSeenAt, alert.timestamp);
  incident.lastSeenAt = later(incident.lastSeenAt, alert.timestamp);
  incident.severity = maxSeverity(incident.severity, alert.severity);
  const dropped = mergeObservables(incident.observables, alert.observables, maxObservables);
  if (dropped) incident.metrics.observablesDropped = ((incident.metrics.observablesDropped as number | undefined) ?? 0) + dropped;
}

const STATUS_ORDER: IncidentStatus[] = ['open', 'acknowledged', 'contained', 'resolved', 'closed'];

/**
 * A person took the incident on: an analyst acknowledged, assigned or closed it, or someone
 * decided an approval. Only the first time counts.
 */
export function markAcknowledged(incident: Incident, now: Date = new Date()): void {
  if (incident.metrics.timeToAcknowledgeMs === undefined) incident.metrics.timeToAcknowledgeMs = now.getTime() - Date.parse(incident.createdAt);
}

/**
 * Sets the status and records the first time each milestone was reached. Status 'acknowledged'
 * does not stamp the time to acknowledge: frameworks set it on entering their first phase,
 * before anyone looked (see markAcknowledged). A containment does: someone acted on it.
 */
export function setStatus(incident: Incident, status: IncidentStatus, now: Date = new Date()): void {
  incident.status = status;
  const elapsed = now.getTime() - Date.parse(incident.createdAt);
  const rank = STATUS_ORDER.indexOf(status);
  const metrics = incident.metrics;
  // Only a containment says "contained": an incident resolved without one was never contained.
  if (status === 'contained') {
    markAcknowledged(incident, now);
    if (metrics.timeToContainMs === undefined) metrics.timeToContainMs = elapsed;
  }
  if (rank >= 3 && metrics.timeToResolveMs === undefined) metrics.timeToResolveMs = elapsed;
}

/** Still being handled: new alerts of its kind join it rather than open another incident. */
export function isActive(incident: Incident): boolean {
  return incident.status === 'open' || incident.status === 'acknowledged' || incident.status === 'contained';
}

/** Resolved and closed incidents are done: retention may evict them. */
export function isDone(incident: Incident): boolean {
  return incident.status === 'resolved' || incident.status === 'closed';
}
