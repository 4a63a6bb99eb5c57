// What log-fetch asks a backend and what every backend answers, whatever the store behind it.
import { redact, redactString } from '../model/redact';
import type { LogEvent, ObservableType } from '../model/types';

export type { LogEvent };

/** One value to look for in the logs (an incident observable or a value given in msg). */
export interface SearchValue {
  type: ObservableType | 'term';
  value: string;
}

/** The search as log-fetch builds it from the incident; each backend turns it into its own query language. */
export interface LogQuery {
  /** Window start and end (inclusive), ISO-8601 UTC. */
  from: string;
  to: string;
  /** Lines matching ANY of these are returned. */
  observables: SearchValue[];
  /** Lines must also contain ALL of these (plain words or phrases, never query syntax). */
  terms: string[];
  /** The most events returned; the search stops there. */
  limit: number;
  /** What the search changed or left out from the incident, for the timeline (backends ignore it). */
  notes?: string[];
}

export interface LogSearchResult {
  events: LogEvent[];
  /** Matching events found; with totalExact false, at least this many. */
  total: number;
  totalExact: boolean;
  /** More matched than `events` holds. */
  truncated: boolean;
  /** Matches per observable value, over the same matches as `total` (more than `events` holds when truncated). */
  counts: Record<string, number>;
  /** The query the backend received, as text for the timeline. */
  query: string;
  /** Backend-specific notes (files skipped by time, files scanned, bytes read). */
  stats?: Record<string, unknown>;
  /** What was not read (files that failed or were cut short, lines skipped), in words for the summary. */
  notes?: string[];
  dryRun?: boolean;
}

/** A failure in words: bad query, refused credentials, unreachable store, missing files. */
export class LogFetchError extends Error {
  readonly code: string;
  readonly transient: boolean;

  constructor(message: string, code: string, transient = false, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LogFetchError';
    this.code = code;
    this.transient = transient;
  }
}

/** Limits on what one event may weigh when it is attached to an incident. */
export const EVENT_LIMITS = { message: 2000, fieldValue: 500, fields: 40 } as const;

/**
 * Cut a message and its fields to EVENT_LIMITS (an attacker-sized log line must not swell the
 * incident) and mask credentials: fields named like secrets, inline `Bearer …`/`Basic …` values.
 */
export function boundEvent(event: LogEvent): LogEvent {
  const out: LogEvent = { time: event.time || null, source: cut(event.source, 500), message: cut(redactString(event.message), EVENT_LIMITS.message) };
  if (event.host) out.host = cut(event.host, 255);
  if (event.fields) {
    const fields: Record<string, unknown> = {};
    let n = 0;
    for (const [k, v] of Object.entries(event.fields)) {
      if (n++ >= EVENT_LIMITS.fields) break;
      fields[cut(k, 100)] = boundValue(redact({ [k]: v })[k]);
    }
    if (n) out.fields = fields;
  }
  return out;
}

function boundValue(v: unknown): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return cut(v, EVENT_LIMITS.fieldValue);
  const text = JSON.stringify(v) ?? String(v);
  return text.length <= EVENT_LIMITS.fieldValue ? v : cut(text, EVENT_LIMITS.fieldValue);
}

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
