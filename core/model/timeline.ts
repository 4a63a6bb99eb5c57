import { redact } from './redact';
import type { Incident, NodeRef, TimelineEntry, TimelineOutcome } from './types';

export interface TimelineInput {
  node: NodeRef;
  action: string;
  outcome: TimelineOutcome;
  summary: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** The one way to write a timeline entry: stamps the time and redacts secrets. */
export function timelineEntry(input: TimelineInput): TimelineEntry {
  const entry: TimelineEntry = {
    at: (input.at ?? new Date()).toISOString(),
    node: { type: input.node.type, id: input.node.id, ...(input.node.name ? { name: input.node.name } : {}) },
    action: input.action,
    outcome: input.outcome,
    summary: redact(input.summary),
  };
  if (input.details && Object.keys(input.details).length) entry.details = redact(input.details);
  return entry;
}

export function appendTimeline(incident: Incident, input: TimelineInput): TimelineEntry {
  const entry = timelineEntry(input);
  incident.timeline.push(entry);
  return entry;
}

/**
 * Appends, or folds into the last entry when that one is the same action of the same node (as
 * syslog's "last message repeated N times"): a storm of re-deliveries keeps one entry with
 * `details.count`, `firstAt` and `lastAt`, instead of growing every later read and write.
 */
export function appendRepeatable(incident: Incident, input: TimelineInput): TimelineEntry {
  const last = incident.timeline.at(-1);
  if (!last || last.action !== input.action || last.node.id !== input.node.id || last.outcome !== input.outcome) return appendTimeline(incident, input);
  const next = timelineEntry(input);
  const count = (typeof last.details?.count === 'number' ? last.details.count : 1) + 1;
  const firstAt = typeof last.details?.firstAt === 'string' ? last.details.firstAt : last.at;
  last.summary = `${next.summary} (${count} times since ${firstAt})`;
  last.details = { ...next.details, count, firstAt, lastAt: next.at };
  return last;
}
