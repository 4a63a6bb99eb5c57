// What every format parser shares: the parse context, the format module shapes and the one
// place that assembles a NormalizedAlert (defaults for severity, time and id live here).
import { randomUUID } from 'crypto';
import type { AlertStatus, NormalizedAlert, Severity } from '../model/types';
import { AlertFormatError } from './errors';
import { ObservableCollector } from './observables';
import { DEFAULT_SEVERITY } from './severity';
import { parseTime, type TimeResult } from './time';
import type { Obj } from './util';

export interface Ctx {
  now: Date;
  maxDepth: number;
}

/** A format read from a JSON object. */
export interface JsonFormat {
  id: string;
  label: string;
  example: string;
  /** Cheap property checks only: runs for every record during detection. */
  detect(o: Obj): boolean;
  /**
   * Keys of which detect() needs at least one (as `key in o`); empty when it may match any object.
   * Detection skips the format for a record parsed from JSON text that has none of them.
   */
  keys: readonly string[];
  parse(o: Obj, ctx: Ctx): NormalizedAlert;
}

/** A line-oriented text format (one record per line). */
export interface LineFormat {
  id: string;
  label: string;
  example: string;
  detectLine(line: string): boolean;
  parseLine(line: string, ctx: Ctx): NormalizedAlert;
}

/** A text format whose records span several lines or need header lines (OSSEC alerts.log, Zeek TSV). */
export interface BlockFormat {
  id: string;
  label: string;
  example: string;
  detectText(firstLine: string): boolean;
  parseText(text: string, ctx: Ctx): NormalizedAlert[];
}

export interface SeverityResult {
  severity: Severity;
  raw: string | number;
}

/** Maps a source value with a scale function; undefined when the value is absent or unmapped. */
export function sev(mapper: (v: unknown) => Severity | undefined, raw: unknown): SeverityResult | undefined {
  if (raw === null || raw === undefined) return undefined;
  const severity = mapper(raw);
  if (severity === undefined) return undefined;
  return { severity, raw: typeof raw === 'number' ? raw : String(raw).trim() };
}

export interface AlertParts {
  source: string;
  id?: string;
  title?: string;
  /** Names the title fields, for the error when none is present. */
  titleFields?: string;
  description?: string;
  severity?: SeverityResult;
  time?: TimeResult;
  status?: AlertStatus;
  rule?: { id?: string; name?: string };
  obs: ObservableCollector;
  raw: unknown;
}

export function time(value: unknown, field: string, ctx: Ctx): TimeResult | undefined {
  return parseTime(value, field, ctx.now);
}

/** The first present time of several candidate fields, in order. */
export function firstTime(ctx: Ctx, ...candidates: Array<[unknown, string]>): TimeResult | undefined {
  for (const [v, f] of candidates) {
    const t = parseTime(v, f, ctx.now);
    if (t) return t;
  }
  return undefined;
}

export function buildAlert(p: AlertParts, ctx: Ctx): NormalizedAlert {
  const title = p.title?.trim();
  if (!title) {
    throw new AlertFormatError('bad-record', `${p.source} record has no title${p.titleFields ? ` (looked for ${p.titleFields})` : ''}`);
  }
  const alert: NormalizedAlert = {
    id: p.id ?? randomUUID(),
    source: p.source,
    title,
    severity: p.severity ? p.severity.severity : DEFAULT_SEVERITY,
    timestamp: p.time ? p.time.iso : ctx.now.toISOString(),
    timestampRule: p.time ? p.time.rule : 'ingest',
    observables: p.obs.toArray(),
    raw: p.raw,
  };
  const description = p.description?.trim();
  if (description && description !== title) alert.description = description;
  if (p.severity) alert.severityRaw = p.severity.raw;
  if (p.status) alert.status = p.status;
  if (p.rule && (p.rule.id || p.rule.name)) {
    const rule: { id?: string; name?: string } = {};
    if (p.rule.id) rule.id = p.rule.id;
    if (p.rule.name) rule.name = p.rule.name;
    alert.rule = rule;
  }
  return alert;
}

export function newObs(): ObservableCollector {
  return new ObservableCollector();
}
