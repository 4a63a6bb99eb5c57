// Fallback for JSON objects of no known product. It applies only when the object has a title-like
// field (title, name, summary, message, rule.name, ...): without one the payload is refused as
// "unknown-format" rather than turned into an alert nobody can read.
import type { ObservableRole } from '../../model/types';
import type { Ctx, JsonFormat, SeverityResult } from '../alert';
import { buildAlert, newObs, sev } from '../alert';
import { AlertFormatError } from '../errors';
import type { ObservableCollector } from '../observables';
import { severityFrom0to10, severityFrom0to100, severityFromWord } from '../severity';
import { parseTime, type TimeResult } from '../time';
import { firstStr, getPath, isObj, ShallowPaths, type Obj } from '../util';

const TITLE_PATHS = [
  'title', 'alert_name', 'alertName', 'alertname', 'summary', 'rule.name', 'rule.title', 'alert.title', 'alert.name',
  'rule_name', 'ruleName', 'signature', 'event_name', 'eventName', 'name', 'message', 'msg', 'alert.message', 'event.message',
];
const SEVERITY_PATHS = [
  'severity', 'severity_label', 'severityLabel', 'alert.severity', 'rule.severity', 'event.severity', 'level', 'priority',
  'urgency', 'sev', 'criticality', 'risk_level', 'risk_score', 'riskScore', 'score',
];
const TIME_PATHS = [
  'timestamp', '@timestamp', 'time', 'datetime', 'date', 'created_at', 'createdAt', 'created', 'creationTime', 'eventTime',
  'event_time', 'startsAt', 'start_time', 'startTime', 'occurred_at', 'detected_at', 'detectedAt', 'firstSeen', 'first_seen', 'ts',
];
const ID_PATHS = ['id', 'alert_id', 'alertId', 'uuid', 'event_id', 'eventId', 'incident_id', 'incidentId'];
// Every path parse reads has at most two segments: all are filed in one walk of the document.
const FIELDS = new ShallowPaths([...TITLE_PATHS, ...SEVERITY_PATHS, ...TIME_PATHS, ...ID_PATHS, 'rule.id']);
const TITLE = FIELDS.slots(TITLE_PATHS);
const SEVERITY = FIELDS.slots(SEVERITY_PATHS);
const TIME = FIELDS.slots(TIME_PATHS);
const ID = FIELDS.slots(ID_PATHS);
const [RULE_NAME, RULE_ID] = FIELDS.slots(['rule.name', 'rule.id']);

// People the alert is assigned or sent to: never observables.
const PEOPLE_KEY = /assign|owner|notif|recipient|analyst|email_?-?dest|escalat|on_?-?call|responder|reporter|watcher|subscriber|contact|(?:created|updated|modified|closed|resolved|acknowledged|acked)_?by/i;
const FREE_TEXT_KEY = /^(?:message|msg|description|desc|details?|summary|title|text|body|log|full_log|raw|reason|comment|output)$/i;
const MAX_NODES = 20000;

function roleOf(key: string): ObservableRole {
  if (/^(?:src|source|client|from|attacker|remote)/i.test(key)) return 'source';
  if (/^(?:dst|dest|destination|server|to|target|victim|local)/i.test(key)) return 'destination';
  return 'related';
}

type LeafKind = 'ip' | 'hash' | 'host' | 'user' | 'email' | 'domain' | 'url' | 'file' | 'text' | 'people' | 'other';
interface KeyInfo {
  kind: LeafKind;
  role: ObservableRole;
}

// Keys repeat across payloads of one sender: classify each key once.
const keyCache = new Map<string, KeyInfo>();

function keyInfo(key: string): KeyInfo {
  const cached = keyCache.get(key);
  if (cached) return cached;
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  let kind: LeafKind;
  if (PEOPLE_KEY.test(key)) kind = 'people';
  else if (k === 'ip' || k === 'ips' || (/(?:ip|ipaddress|ipaddr|ipv4|ipv6|addr)$/.test(k) && !/mac/.test(k))) kind = 'ip';
  else if (/^(?:md5|sha1|sha256|hash|filehash|checksum)$/.test(k) || /(?:md5|sha1|sha256)$/.test(k)) kind = 'hash';
  else if (/(?:hostname|^host|computername|^computer|devicename|machinename|workstation|fqdn)$/.test(k)) kind = 'host';
  else if (/(?:^user|username|^usr|accountname|^account|^login|userprincipalname|^upn)$/.test(k)) kind = 'user';
  else if (/(?:email|emailaddress|^mail|sender)$/.test(k)) kind = 'email';
  else if (/(?:domain|domainname|query|rrname)$/.test(k)) kind = 'domain';
  else if (/(?:url|uri)$/.test(k)) kind = 'url';
  else if (/(?:filepath|^path|^file|filename|^image|executable|processpath)$/.test(k)) kind = 'file';
  else kind = FREE_TEXT_KEY.test(key) ? 'text' : 'other';
  const info: KeyInfo = { kind, role: roleOf(key) };
  if (keyCache.size < 4096) keyCache.set(key, info);
  return info;
}

function leaf({ kind, role }: KeyInfo, v: string, obs: ObservableCollector): void {
  switch (kind) {
    case 'ip': obs.ip(v, role); break;
    case 'hash': obs.hash(v, 'related'); break;
    case 'host': obs.hostOrIp(v, role === 'related' ? 'target' : role); break;
    case 'user': obs.user(v, role === 'source' ? 'actor' : role === 'destination' ? 'target' : 'related'); break;
    case 'email': obs.email(v, role); break;
    case 'domain': obs.domain(v, role); break;
    case 'url': obs.url(v, role); break;
    case 'file': obs.file(v, 'related'); break;
    case 'text': obs.text(v); break;
    case 'people': break;
    default:
      // Other strings are read as free text only when they look like sentences.
      if (v.length > 12 && v.indexOf(' ') !== -1) obs.text(v);
  }
}

/** Iterative walk (no recursion), bounded in depth and node count. */
function collect(root: Obj, obs: ObservableCollector, maxDepth: number): void {
  // Three parallel stacks rather than a [key, value, depth] array per node; a node carries its
  // key's classification (none for the root, nor for an empty key), read once.
  const infos: Array<KeyInfo | undefined> = [undefined];
  const values: unknown[] = [root];
  const depths: number[] = [0];
  let nodes = 0;
  while (infos.length && nodes < MAX_NODES) {
    const info = infos.pop();
    const v = values.pop();
    const depth = depths.pop() as number;
    nodes++;
    if (typeof v === 'string') {
      if (info) leaf(info, v, obs);
    } else if (Array.isArray(v)) {
      if (depth < maxDepth) {
        for (const x of v) {
          infos.push(info);
          values.push(x);
          depths.push(depth + 1);
        }
      }
    } else if (isObj(v) && depth < maxDepth) {
      for (const k of Object.keys(v)) {
        const ki = keyInfo(k);
        if (ki.kind === 'people') continue;
        infos.push(k ? ki : undefined);
        values.push(v[k]);
        depths.push(depth + 1);
      }
    }
  }
}

/** Field values as ShallowPaths.read() gives them. */
type Fields = readonly unknown[];

function severityOf(f: Fields): SeverityResult | undefined {
  for (let i = 0; i < SEVERITY.length; i++) {
    const p = SEVERITY_PATHS[i];
    const v = f[SEVERITY[i]];
    if (v === undefined || v === null || isObj(v)) continue;
    const word = sev(severityFromWord, v);
    if (word) return word;
    if (typeof v === 'number' || (typeof v === 'string' && /^\d+(?:\.\d+)?$/.test(v.trim()))) {
      const n = Number(v);
      // Scores above 10 (and any *score / risk field) are read on the 0-100 scale, the rest on 0-10.
      const hundred = n > 10 || /score|risk/i.test(p);
      const r = hundred ? sev(severityFrom0to100, v) : sev(severityFrom0to10, v);
      if (r) return r;
    }
  }
  return undefined;
}

function timeOf(f: Fields, ctx: Ctx): TimeResult | undefined {
  for (let i = 0; i < TIME.length; i++) {
    const p = TIME_PATHS[i];
    const v = f[TIME[i]];
    if (v === undefined || v === null || isObj(v) || Array.isArray(v)) continue;
    try {
      const t = parseTime(v, p, ctx.now);
      if (t) return t;
    } catch (e) {
      // A free-form "date" field is not a broken clock; an ISO-looking impossible date is.
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v.trim())) throw e;
      if (typeof v === 'number') throw e;
    }
  }
  return undefined;
}

/** The first title path (read with `get`) that holds a non-empty string. */
function titleOf(get: (i: number) => unknown): string | undefined {
  for (let i = 0; i < TITLE_PATHS.length; i++) {
    const v = get(i);
    const s = typeof v === 'string' ? firstStr(v) : undefined;
    if (s) return s;
  }
  return undefined;
}

/** Detection reads the paths with getPath (nested or flattened keys, any depth). */
export function genericTitle(o: Obj): string | undefined {
  return titleOf((i) => getPath(o, TITLE_PATHS[i]));
}

export const generic: JsonFormat = {
  id: 'generic',
  label: 'Generic JSON alert',
  example: JSON.stringify({ title: 'Suspicious download', severity: 'high', timestamp: '2024-05-01T10:00:00Z', src_ip: '203.0.113.9', user: 'alice', url: 'http://malware.example.net/a.exe' }),
  keys: [],
  detect: (o) => genericTitle(o) !== undefined,
  parse: (o, ctx) => {
    const f = FIELDS.read(o, 2000);
    const title = titleOf((i) => f[TITLE[i]]);
    if (!title) {
      throw new AlertFormatError('unknown-format', `unknown alert format: no known product shape and no title field (looked for ${TITLE_PATHS.slice(0, 8).join(', ')}, ...)`);
    }
    const obs = newObs();
    collect(o, obs, ctx.maxDepth);
    let id: string | undefined;
    for (const slot of ID) {
      id = firstStr(f[slot]);
      if (id) break;
    }
    const ruleName = firstStr(f[RULE_NAME], o.rule_name, o.ruleName, o.signature);
    const status = firstStr(o.status, o.state)?.toLowerCase();
    return buildAlert({
      source: 'generic',
      id,
      title: title.length > 300 ? title.slice(0, 299) + '\u2026' : title,
      description: firstStr(o.description, o.message !== title ? o.message : undefined, o.details),
      severity: severityOf(f),
      time: timeOf(f, ctx),
      status: status === 'resolved' || status === 'closed' || status === 'ok' ? 'resolved' : status === 'firing' || status === 'open' || status === 'alerting' || status === 'triggered' ? 'firing' : undefined,
      rule: ruleName ? { id: firstStr(f[RULE_ID], o.rule_id, o.ruleId), name: ruleName } : undefined,
      obs,
      raw: o,
    }, ctx);
  },
};
