// One log line to a normalized event: JSON lines, syslog (RFC 5424 and RFC 3164) and plain
// text with an ISO-8601 or Apache/nginx timestamp somewhere in it.
import type { LogEvent } from './types';

export interface ParsedLine {
  /** Epoch milliseconds, when the line has a time we can read. */
  time?: number;
  host?: string;
  message: string;
  fields?: Record<string, unknown>;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', 'datetime', 'date', 'eventTime', 'EventTime', '_time'];
const MESSAGE_KEYS = ['message', 'msg', 'log', '_raw', 'MESSAGE', 'full_log'];
const HOST_KEYS = ['host', 'hostname', 'host.name', 'computer', 'Computer', 'agent'];
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[(?:[^\]\\]|\\.)*\](?:\[(?:[^\]\\]|\\.)*\])*)(?: (.*))?$/s;
const RFC3164 = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S+) (.*)$/s;
const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/;
const CLF = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\]/;

/** An ISO-8601 date with or without zone (none: UTC), or epoch seconds/milliseconds. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e14 ? value / 1000 : value > 1e11 ? value : value * 1000;
  if (typeof value !== 'string') return undefined;
  if (/^\d{9,16}(\.\d+)?$/.test(value)) return parseTime(Number(value));
  const m = ISO.exec(value);
  if (!m) return undefined;
  return isoMatchToMs(m);
}

function isoMatchToMs(m: RegExpExecArray): number | undefined {
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0);
  if (zone && zone !== 'Z') {
    const z = zone.replace(':', '');
    const offset = (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * 60_000;
    t += z[0] === '+' ? -offset : offset;
  }
  return Number.isFinite(t) ? t : undefined;
}

/**
 * The year of an RFC 3164 time (which has none): the year that puts it nearest before `near`
 * (the end of the search window), so December lines are read as last year in a January search.
 */
function yearFor(month: number, day: number, near: number): number {
  const ref = new Date(near);
  const y = ref.getUTCFullYear();
  return Date.UTC(y, month, day) > near + 2 * 86_400_000 ? y - 1 : y;
}

function hostOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    for (const k of ['name', 'hostname', 'id']) if (typeof v[k] === 'string') return v[k] as string;
  }
  return undefined;
}

/** Parse one line (without its newline). `near`: epoch ms near the line's time, for syslog lines without a year. */
export function parseLine(line: string, near: number): ParsedLine {
  const first = line.charCodeAt(0);
  if (first === 123 /* { */) {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      obj = undefined;
    }
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) return fromJson(obj as Record<string, unknown>, line);
  }
  if (first === 60 /* < */) {
    const m = RFC5424.exec(line);
    if (m) {
      const [, , ts, host, app, procid, msgid, sd, msg] = m;
      const time = ts === '-' ? undefined : parseTime(ts);
      const fields: Record<string, unknown> = {};
      if (app !== '-') fields.app = app;
      if (procid !== '-') fields.procid = procid;
      if (msgid !== '-') fields.msgid = msgid;
      if (sd !== '-') fields.structuredData = sd;
      return { ...(time !== undefined ? { time } : {}), ...(host !== '-' ? { host } : {}), message: msg ?? '', ...(Object.keys(fields).length ? { fields } : {}) };
    }
  }
  const s = RFC3164.exec(line);
  if (s && MONTHS[s[2]] !== undefined) {
    const [, , mon, day, h, mi, sec, host, msg] = s;
    const month = MONTHS[mon];
    const time = Date.UTC(yearFor(month, Number(day), near), month, Number(day), Number(h), Number(mi), Number(sec));
    return { time, host, message: msg };
  }
  const iso = ISO.exec(line);
  if (iso) {
    const time = isoMatchToMs(iso);
    return { ...(time !== undefined ? { time } : {}), message: line };
  }
  const clf = CLF.exec(line);
  if (clf && MONTHS[clf[2]] !== undefined) {
    const [, d, mon, y, h, mi, sec, zone] = clf;
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
    const time = Date.UTC(Number(y), MONTHS[mon], Number(d), Number(h), Number(mi), Number(sec)) + (zone[0] === '+' ? -offset : offset);
    return { time, message: line };
  }
  return { message: line };
}

/** A structured event (a JSON line, an Elasticsearch _source): time, host, message and the other fields. */
export function fromJson(obj: Record<string, unknown>, line: string, timeKey?: string): ParsedLine {
  let time: number | undefined;
  for (const k of timeKey ? [timeKey, ...TIME_KEYS] : TIME_KEYS) {
    if (obj[k] !== undefined) {
      time = parseTime(obj[k]);
      if (time !== undefined) break;
    }
  }
  let host: string | undefined;
  for (const k of HOST_KEYS) {
    host = hostOf(obj[k]);
    if (host) break;
  }
  let message: string | undefined;
  let messageKey: string | undefined;
  for (const k of MESSAGE_KEYS) {
    if (typeof obj[k] === 'string') {
      message = obj[k] as string;
      messageKey = k;
      break;
    }
  }
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (k !== messageKey) fields[k] = v;
  return { ...(time !== undefined ? { time } : {}), ...(host ? { host } : {}), message: message ?? line, fields };
}

/** The time a line carries (cheap check on sampled lines), or undefined. */
export function lineTime(line: string, near: number): number | undefined {
  return parseLine(line, near).time;
}

export function toEvent(parsed: ParsedLine, source: string): LogEvent {
  return {
    time: parsed.time !== undefined ? new Date(parsed.time).toISOString() : null,
    source,
    ...(parsed.host ? { host: parsed.host } : {}),
    message: parsed.message,
    ...(parsed.fields && Object.keys(parsed.fields).length ? { fields: parsed.fields } : {}),
  };
}
