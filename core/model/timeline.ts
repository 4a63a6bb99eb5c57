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

/** How far back a repeat looks for its entry: a storm's cycle (a notice, then its page and ticket steps) fits. */
const REPEAT_LOOKBACK = 6;

/**
 * Appends, or folds into a recent entry of the same action, node and outcome (as syslog's "last
 * message repeated N times"): a storm of re-deliveries or notices keeps one entry per step with
 * `details.count`, `firstAt` and `lastAt`, instead of growing every later read and write.
 * Folding never changes the timeline's length, so positions others keep (Jira's synced count)
 * stay right.
 */
export function appendRepeatable(incident: Incident, input: TimelineInput): TimelineEntry {
  const tl = incident.timeline;
  let last: TimelineEntry | undefined;
  for (let i = tl.length - 1; i >= Math.max(0, tl.length - REPEAT_LOOKBACK); i--) {
    const e = tl[i]!;
    if (e.action === input.action && e.node.id === input.node.id && e.outcome === input.outcome) { last = e; break; }
  }
  if (!last) return appendTimeline(incident, input);
  const next = timelineEntry(input);
  const count = (typeof last.details?.count === 'number' ? last.details.count : 1) + 1;
  const firstAt = typeof last.details?.firstAt === 'string' ? last.details.firstAt : last.at;
  last.summary = `${next.summary} (${count} times since ${firstAt})`;
  last.details = { ...next.details, count, firstAt, lastAt: next.at };
  return last;
}
