// Alert normalizer: any supported product payload -> NormalizedAlert[] (see core/model/types.ts).
//
//   normalizeAlerts(payload, options)  one alert per record (several CEF/syslog lines give several;
//                                      an Alertmanager/Grafana group gives one merged alert)
//   normalizeAlert(payload, options)   the single-record form
//   detectFormat(payload)              the format id detection picks
//   FORMATS                            ids, labels and short examples of every supported format
//
// Every failure is an AlertFormatError with a code and an HTTP status (400, or 413 for too-large).
import type { NormalizeOptions, NormalizedAlert } from '../model/types';
import type { BlockFormat, Ctx, JsonFormat, LineFormat } from './alert';
import { AlertFormatError } from './errors';
import { alertmanager } from './formats/alertmanager';
import { azureMonitor } from './formats/azure-monitor';
import { cef } from './formats/cef';
import { cloudtrail } from './formats/cloudtrail';
import { crowdstrike } from './formats/crowdstrike';
import { defender } from './formats/defender';
import { elastic } from './formats/elastic';
import { generic } from './formats/generic';
import { grafana } from './formats/grafana';
import { guardduty } from './formats/guardduty';
import { leef } from './formats/leef';
import { ocsf } from './formats/ocsf';
import { okta } from './formats/okta';
import { ossec } from './formats/ossec';
import { securityhub } from './formats/securityhub';
import { sentinel } from './formats/sentinel';
import { sentinelone } from './formats/sentinelone';
import { splunk } from './formats/splunk';
import { suricataEve, suricataFast } from './formats/suricata';
import { syslog } from './formats/syslog';
import { wazuh } from './formats/wazuh';
import { zeekJson, zeekTsv } from './formats/zeek';
import { decodePayload, type Decoded } from './input';
import { asArr, asObj, isObj, type Obj } from './util';

export { AlertFormatError } from './errors';
export type { AlertFormatErrorCode } from './errors';
export { extractIocs, refang } from './ioc';
export type { Ioc } from './ioc';
export { ObservableCollector } from './observables';

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

/** JSON formats in detection order: specific shapes first, the generic fallback last. */
const JSON_FORMATS: readonly JsonFormat[] = [
  grafana, alertmanager, splunk, guardduty, securityhub, cloudtrail, azureMonitor, sentinel, defender,
  crowdstrike, sentinelone, okta, wazuh, suricataEve, zeekJson, ocsf, elastic, generic,
];
/** Text formats whose records span lines or need headers; chosen by the first line. */
const BLOCK_FORMATS: readonly BlockFormat[] = [ossec, zeekTsv];
/** One record per line; each line is detected on its own, so mixed bodies work. */
const LINE_FORMATS: readonly LineFormat[] = [cef, leef, suricataFast, syslog];

export interface FormatInfo {
  id: string;
  label: string;
  example: string;
}

export const FORMATS: ReadonlyArray<FormatInfo> = Object.freeze(
  [
    alertmanager, grafana, splunk, elastic, wazuh, ossec, suricataEve, zeekTsv, guardduty, securityhub, cloudtrail,
    defender, sentinel, azureMonitor, crowdstrike, sentinelone, okta, ocsf, cef, leef, syslog, generic,
  ].map((f) => Object.freeze({ id: f.id, label: f.label, example: f.example })),
);

const FORMAT_IDS = new Set(FORMATS.map((f) => f.id));

// One bit per key that some format's detect() needs (JsonFormat.keys); a format's mask holds its
// keys' bits (0: tried on any record).
const KEY_BITS = new Map<string, number>();
const FORMAT_MASKS: readonly number[] = JSON_FORMATS.map((f) => {
  let mask = 0;
  for (const k of f.keys) {
    let bit = KEY_BITS.get(k);
    if (bit === undefined) {
      if (KEY_BITS.size === 32) throw new Error('more detection keys than bits in a mask');
      bit = 1 << KEY_BITS.size;
      KEY_BITS.set(k, bit);
    }
    mask |= bit;
  }
  return mask;
});
// Past this many keys a record is tried against every format rather than read key by key.
const MASK_KEYS = 32;

function contextOf(options: NormalizeOptions | undefined): { ctx: Ctx; maxBytes: number; format?: string } {
  const now = options?.now instanceof Date && !Number.isNaN(options.now.getTime()) ? options.now : new Date();
  const maxBytes = options?.maxBytes !== undefined && options.maxBytes > 0 ? options.maxBytes : DEFAULT_MAX_BYTES;
  const maxDepth = options?.maxDepth !== undefined && options.maxDepth > 0 ? options.maxDepth : DEFAULT_MAX_DEPTH;
  let format = options?.format?.trim();
  if (format === '' || format === 'auto') format = undefined;
  if (format !== undefined && !FORMAT_IDS.has(format)) {
    throw new AlertFormatError('unknown-format', `unknown format "${format}"; supported: auto, ${[...FORMAT_IDS].join(', ')}`);
  }
  return { ctx: { now, maxDepth }, maxBytes, format };
}

/**
 * Containers that hold several records of one product: CloudTrail log files ({Records}),
 * Security Hub imports ({Findings}, or EventBridge detail.findings), EventBridge CloudTrail
 * events (detail), Graph / ARM list responses ({value}), SentinelOne API pages ({data}).
 */
function expand(o: Obj): unknown[] | undefined {
  if (Array.isArray(o.Records) && isObj(o.Records[0]) && 'eventVersion' in o.Records[0]) return o.Records;
  if (Array.isArray(o.Findings) && isObj(o.Findings[0]) && 'SchemaVersion' in o.Findings[0]) return o.Findings;
  const dt = o['detail-type'];
  if (typeof dt === 'string' && isObj(o.detail)) {
    if (dt.startsWith('Security Hub Findings')) return asArr(o.detail.findings);
    if (dt.endsWith('via CloudTrail')) return [o.detail];
  }
  if (Array.isArray(o.value) && '@odata.context' in o) return o.value;
  if (Array.isArray(o.data) && isObj(o.data[0]) && 'threatInfo' in o.data[0]) return o.data;
  return undefined;
}

function records(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    const inner = isObj(v) ? expand(v) : undefined;
    if (inner) out.push(...inner);
    else out.push(v);
  }
  return out;
}

/**
 * The first format whose detect() accepts the record. A record JSON.parse made lists, by for...in,
 * every key that `in` finds but Object.prototype's own (which no format needs): formats needing
 * a key it lacks are skipped without calling detect(), most of them for a generic alert.
 */
function detectJson(o: Obj, parsed: boolean): JsonFormat | undefined {
  let present = -1;
  if (parsed) {
    present = 0;
    let n = 0;
    for (const k in o) {
      if (++n > MASK_KEYS) {
        present = -1;
        break;
      }
      present |= KEY_BITS.get(k) ?? 0;
    }
  }
  for (let i = 0; i < JSON_FORMATS.length; i++) {
    const mask = FORMAT_MASKS[i];
    if ((mask === 0 || (present & mask) !== 0) && JSON_FORMATS[i].detect(o)) return JSON_FORMATS[i];
  }
  return undefined;
}

function unknownObject(o: Obj, index: number, total: number): AlertFormatError {
  const keys = Object.keys(o).slice(0, 8).join(', ');
  return new AlertFormatError(
    'unknown-format',
    `unknown alert format${total > 1 ? ` (record ${index + 1})` : ''}: no known product shape and no title, name, summary or message field holding text (keys: ${keys})`,
  );
}

/**
 * Non-AlertFormatError failures inside a parser become "bad-record": callers see one error type.
 * `what` (+ `kind`) names the thing read; joined only on failure, as it runs once per record.
 */
function guard<T>(what: string, kind: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AlertFormatError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new AlertFormatError('bad-record', `could not read ${what}${kind}: ${msg}`);
  }
}

function normalizeJson(values: unknown[], parsed: boolean, ctx: Ctx, format: string | undefined): NormalizedAlert[] {
  const recs = records(values);
  if (recs.length === 0) throw new AlertFormatError('empty', 'payload holds no alert records');
  const explicit = format ? JSON_FORMATS.filter((f) => f.id === format) : undefined;
  if (explicit && explicit.length === 0) {
    throw new AlertFormatError('bad-record', `format "${format}" is a text format, but the payload is JSON`);
  }
  const out: NormalizedAlert[] = [];
  recs.forEach((r, i) => {
    if (!isObj(r)) {
      throw new AlertFormatError('bad-record', `record ${i + 1} is ${Array.isArray(r) ? 'an array' : r === null ? 'null' : `a ${typeof r}`}, not an alert object`);
    }
    let f: JsonFormat | undefined;
    if (explicit) f = explicit.length === 1 ? explicit[0] : explicit.find((x) => x.detect(r)) ?? explicit[0];
    else f = detectJson(r, parsed);
    if (!f) throw unknownObject(r, i, recs.length);
    const fmt = f;
    out.push(guard(fmt.id, ' record', () => fmt.parse(r, ctx)));
  });
  return out;
}

function firstLineOf(text: string): string {
  const m = /^[ \t]*(\S[^\r\n]*)/m.exec(text);
  return m ? m[1] : '';
}

function normalizeText(text: string, ctx: Ctx, format: string | undefined): NormalizedAlert[] {
  const first = firstLineOf(text);
  const block = format ? BLOCK_FORMATS.find((f) => f.id === format) : BLOCK_FORMATS.find((f) => f.detectText(first));
  if (block) return guard(block.id, ' text', () => block.parseText(text.trim(), ctx));
  const forced = format ? LINE_FORMATS.find((f) => f.id === format) : undefined;
  if (format && !forced) {
    throw new AlertFormatError('bad-record', `format "${format}" expects a JSON payload, but the payload is text`);
  }
  const lines = text.split(/\r?\n/);
  const nonEmpty = lines.filter((l) => l.trim() !== '').length;
  const out: NormalizedAlert[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = nonEmpty > 1 ? `line ${i + 1}: ` : '';
    let f: LineFormat | undefined;
    if (forced) {
      if (forced.id !== 'syslog' && !forced.detectLine(line)) {
        throw new AlertFormatError('bad-record', `${where}not a ${forced.label} record`);
      }
      f = forced;
    } else {
      f = LINE_FORMATS.find((x) => x.detectLine(line));
    }
    if (!f) {
      // JSON that is not an object or array (null, a number, a string) is valid JSON, not an alert.
      if (/^(null|true|false|-?\d[\d.eE+-]*|"(?:[^"\\]|\\.)*")$/.test(line)) {
        throw new AlertFormatError('unknown-format', `${where}the payload is the JSON value ${line.slice(0, 40)}${line.length > 40 ? '…' : ''}, not an alert: send a JSON object (or an array of them) or an alert line`);
      }
      throw new AlertFormatError(
        'unknown-format',
        `${where}unknown alert format: not JSON, CEF, LEEF, syslog, Suricata fast.log, OSSEC alerts.log or a Zeek log (starts with ${JSON.stringify(line.slice(0, 40))})`,
      );
    }
    const fmt = f;
    try {
      out.push(guard(fmt.id, ' line', () => fmt.parseLine(line, ctx)));
    } catch (e) {
      if (e instanceof AlertFormatError && where) throw new AlertFormatError(e.code, where + e.message);
      throw e;
    }
  });
  if (out.length === 0) throw new AlertFormatError('empty', 'payload is empty');
  return out;
}

function run(decoded: Decoded, ctx: Ctx, format: string | undefined): NormalizedAlert[] {
  return decoded.kind === 'json' ? normalizeJson(decoded.values, decoded.parsed, ctx, format) : normalizeText(decoded.text, ctx, format);
}

/** One alert per record of the payload. Synchronous; throws AlertFormatError only. */
export function normalizeAlerts(payload: Buffer | string | object, options?: NormalizeOptions): NormalizedAlert[] {
  const { ctx, maxBytes, format } = contextOf(options);
  const decoded = guard('payload', '', () => decodePayload(payload, { maxBytes, maxDepth: ctx.maxDepth }));
  return run(decoded, ctx, format);
}

/** The single-record form: throws AlertFormatError "several-records" when the payload holds more. */
export function normalizeAlert(payload: Buffer | string | object, options?: NormalizeOptions): NormalizedAlert {
  const alerts = normalizeAlerts(payload, options);
  if (alerts.length !== 1) {
    throw new AlertFormatError('several-records', `payload holds ${alerts.length} alert records; use normalizeAlerts for several`);
  }
  return alerts[0];
}

/** The format id detection picks for the payload (its first record); throws AlertFormatError. */
export function detectFormat(payload: Buffer | string | object, options?: Pick<NormalizeOptions, 'maxBytes' | 'maxDepth'>): string {
  const { ctx, maxBytes } = contextOf({ maxBytes: options?.maxBytes, maxDepth: options?.maxDepth });
  const decoded = guard('payload', '', () => decodePayload(payload, { maxBytes, maxDepth: ctx.maxDepth }));
  if (decoded.kind === 'text') {
    const first = firstLineOf(decoded.text);
    const block = BLOCK_FORMATS.find((f) => f.detectText(first));
    if (block) return block.id;
    const line = LINE_FORMATS.find((f) => f.detectLine(first));
    if (line) return line.id;
    throw new AlertFormatError('unknown-format', `unknown alert format (starts with ${JSON.stringify(first.slice(0, 40))})`);
  }
  const recs = records(decoded.values);
  const r = asObj(recs[0]);
  if (!r) throw new AlertFormatError('bad-record', 'the first record is not an alert object');
  const f = detectJson(r, decoded.parsed);
  if (!f) throw unknownObject(r, 0, 1);
  return f.id;
}
