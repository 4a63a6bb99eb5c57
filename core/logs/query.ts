// The log search an incident calls for: a window around its alerts, the observables worth
// looking for, extra terms, a limit. Values stay plain data here; each backend escapes them
// for its own query language.
import { OBSERVABLE_ROLES, OBSERVABLE_TYPES, type Incident, type ObservableRole, type ObservableType } from '../model/types';
import type { LogQuery, SearchValue } from './types';

export const DEFAULTS = { beforeMinutes: 60, afterMinutes: 30, limit: 100, maxObservables: 20, maxLimit: 10_000 } as const;

/** Types searched by default: everything an attacker leaves in logs. */
export const DEFAULT_TYPES: readonly ObservableType[] = ['ip', 'user', 'host', 'domain', 'email', 'url', 'hash:md5', 'hash:sha1', 'hash:sha256', 'file'];

export interface QueryOptions {
  /** Minutes before the first alert. */
  beforeMinutes?: number;
  /** Minutes after the last alert. */
  afterMinutes?: number;
  /** The window's anchor instead of the incident's first/last alert time. */
  at?: string | Date;
  /** The present (tests): the window's centre is never later than this. */
  now?: Date;
  /** Observable types to search for (default DEFAULT_TYPES). */
  types?: readonly ObservableType[];
  /** Only observables with one of these roles (default any role). */
  roles?: readonly ObservableRole[];
  /** Extra values to search for besides the incident's observables (msg override). */
  values?: readonly string[];
  /** Words every line must also contain. */
  terms?: readonly string[];
  limit?: number;
  maxObservables?: number;
}

export class QueryError extends Error {
  /** 'nothing-to-search': no observable of the chosen types and roles and no term (a skip, not a fault). */
  readonly code: 'invalid-query' | 'nothing-to-search';
  constructor(message: string, code: 'invalid-query' | 'nothing-to-search' = 'invalid-query') {
    super(message);
    this.name = 'QueryError';
    this.code = code;
  }
}

function minutes(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || value > 60 * 24 * 366) throw new QueryError(`log-fetch: ${name} must be between 0 and 527040 minutes, got ${String(value)}`);
  return value;
}

function time(value: string | Date, name: string): number {
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(t)) throw new QueryError(`log-fetch: ${name} is not a date: ${JSON.stringify(String(value)).slice(0, 60)}`);
  return t;
}

/** Parse a list given as an array or a comma/newline-separated string. */
export function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(/[,\n]/).map((v) => v.trim()).filter(Boolean);
  return [];
}

export function parseTypes(value: unknown): ObservableType[] | undefined {
  const list = listOf(value);
  if (!list.length) return undefined;
  const bad = list.filter((t) => !(OBSERVABLE_TYPES as readonly string[]).includes(t));
  if (bad.length) throw new QueryError(`log-fetch: unknown observable type ${bad.join(', ')} (known: ${OBSERVABLE_TYPES.join(', ')})`);
  return list as ObservableType[];
}

export function parseRoles(value: unknown): ObservableRole[] | undefined {
  const list = listOf(value);
  if (!list.length) return undefined;
  const bad = list.filter((r) => !(OBSERVABLE_ROLES as readonly string[]).includes(r));
  if (bad.length) throw new QueryError(`log-fetch: unknown observable role ${bad.join(', ')} (known: ${OBSERVABLE_ROLES.join(', ')})`);
  return list as ObservableRole[];
}

/** The search for this incident. Throws QueryError for bad options; an empty search is allowed only with terms. */
export function buildLogQuery(incident: Incident, options: QueryOptions = {}): LogQuery {
  const before = minutes(options.beforeMinutes, DEFAULTS.beforeMinutes, 'minutes before');
  const after = minutes(options.afterMinutes, DEFAULTS.afterMinutes, 'minutes after');
  // No log line is written in the future: a source whose clock runs ahead (or an alert dated
  // 9999-12-31) is searched around now, and the window always stays a valid date range.
  const now = (options.now ?? new Date()).getTime();
  const given = options.at !== undefined ? time(options.at, 'the window time') : time(incident.lastSeenAt, 'incident.lastSeenAt');
  const end = Math.min(given, now);
  const notes: string[] = [];
  // Said in the timeline: otherwise a window far from the alert looks like a bug.
  if (given > now) notes.push(`${options.at !== undefined ? 'the window time is' : 'the alerts are dated'} in the future (${isoOf(given)}): searched around now instead`);
  const start = Math.min(options.at !== undefined ? end : time(incident.firstSeenAt, 'incident.firstSeenAt'), end);
  const limit = options.limit ?? DEFAULTS.limit;
  if (!Number.isInteger(limit) || limit < 1 || limit > DEFAULTS.maxLimit) throw new QueryError(`log-fetch: the limit must be a whole number from 1 to ${DEFAULTS.maxLimit}, got ${String(limit)}`);
  const types = options.types ?? DEFAULT_TYPES;
  const roles = options.roles;
  const max = options.maxObservables ?? DEFAULTS.maxObservables;

  const seen = new Set<string>();
  const observables: SearchValue[] = [];
  const unsearchable: string[] = [];
  let overMax = 0;
  const add = (v: SearchValue): void => {
    const value = v.value.trim();
    // Too short to mean anything, or too long to be one value: skipped instead of matching everything.
    if (value.length < 2 || value.length > 1024) {
      unsearchable.push(`${v.type} ${JSON.stringify(cutValue(value))} (${value.length < 2 ? 'shorter than 2 characters' : 'longer than 1024 characters'})`);
      return;
    }
    if (seen.has(value)) return;
    if (observables.length >= max) {
      overMax += 1;
      return;
    }
    seen.add(value);
    observables.push({ type: v.type, value });
  };
  for (const o of incident.observables) {
    if (!types.includes(o.type)) continue;
    if (roles?.length && !o.roles.some((r) => roles.includes(r))) continue;
    add({ type: o.type, value: o.value });
  }
  for (const v of options.values ?? []) add({ type: 'term', value: String(v) });
  const terms = (options.terms ?? []).map((t) => String(t).trim()).filter((t) => t.length > 0 && t.length <= 1024);
  if (!observables.length && !terms.length) {
    // The incident may well have observables of the chosen types: say that theirs cannot be searched.
    if (unsearchable.length) throw new QueryError(`log-fetch: nothing to search for: the values of the chosen types cannot be searched: ${listed(unsearchable)}`, 'nothing-to-search');
    throw new QueryError('log-fetch: nothing to search for: the incident has no observable of the chosen types and roles, and no extra terms were given', 'nothing-to-search');
  }
  if (unsearchable.length) notes.push(`not searched: ${listed(unsearchable)}`);
  if (overMax) notes.push(`${overMax} more value(s) not searched (at most ${max} per search)`);
  return {
    from: new Date(start - before * 60_000).toISOString(),
    to: new Date(end + after * 60_000).toISOString(),
    observables,
    terms,
    limit,
    ...(notes.length ? { notes } : {}),
  };
}

/** ISO-8601 where the year fits it, else the raw epoch milliseconds. */
function isoOf(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString() : String(ms);
}

/** A value quoted in a note: short, so an attacker-sized one cannot swell the timeline. */
function cutValue(value: string): string {
  return value.length <= 40 ? value : `${value.slice(0, 39)}…`;
}

function listed(items: readonly string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
}

/** Types whose values are compared without regard to case (DNS names, mail addresses, most user stores). */
export function caseInsensitive(type: SearchValue['type']): boolean {
  return type === 'domain' || type === 'host' || type === 'email' || type === 'user' || type.startsWith('hash:');
}

function isWordChar(code: number | undefined): boolean {
  if (code === undefined || Number.isNaN(code)) return false;
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
 * Whether `text` holds `value` as a whole token: 10.0.0.1 is not found in 10.0.0.15, nor admin in
 * administrator. A boundary is only required where the value itself starts or ends with a word character.
 */
export function containsValue(text: string, search: SearchValue): boolean {
  const ci = caseInsensitive(search.type);
  const hay = ci ? text.toLowerCase() : text;
  const needle = ci ? search.value.toLowerCase() : search.value;
  const needStart = isWordChar(needle.charCodeAt(0));
  const needEnd = isWordChar(needle.charCodeAt(needle.length - 1));
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
    if (needStart && at > 0 && isWordChar(hay.charCodeAt(at - 1))) continue;
    if (needEnd && isWordChar(hay.charCodeAt(at + needle.length))) continue;
    return true;
  }
  return false;
}

/** Matches per observable value over some events' text. */
export function countMatches(texts: readonly string[], observables: readonly SearchValue[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of observables) counts[o.value] = 0;
  for (const t of texts) for (const o of observables) if (containsValue(t, o)) counts[o.value] = (counts[o.value] ?? 0) + 1;
  return counts;
}

export { isWordChar };
