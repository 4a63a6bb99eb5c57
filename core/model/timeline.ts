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
