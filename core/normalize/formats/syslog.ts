// Syslog lines, RFC 5424 and RFC 3164 (BSD), and the syslog header parser that CEF and LEEF
// reuse when their records arrive behind a syslog prefix.
import type { NormalizedAlert } from '../../model/types';
import type { Ctx, LineFormat } from '../alert';
import { buildAlert, newObs } from '../alert';
import type { ObservableCollector } from '../observables';
import { severitySyslog } from '../severity';
import { parseTime, yearless, type TimeResult } from '../time';
import { clip } from '../util';

export interface SyslogHeader {
  pri?: number;
  time?: TimeResult;
  host?: string;
  app?: string;
  procId?: string;
  msgId?: string;
  structuredData?: string;
  /** The message after the header. */
  msg: string;
  rfc: '5424' | '3164' | 'none';
}

const PRI_RE = /^<(\d{1,3})>/;
const BSD_TIME_RE = /^([A-Z][a-z]{2})\s{1,2}(\d{1,2})\s+(?:(\d{4})\s+)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?=\s|$)/;
const ISO_TOKEN_RE = /^\d{4}-\d{2}-\d{2}T\S+/;
const TAG_RE = /^([^\s:[\]]{1,64})(?:\[([^\]\s]{1,32})\])?:(?:\s|$)/;

function nextToken(s: string, i: number): [string, number] {
  let j = i;
  while (j < s.length && s.charCodeAt(j) !== 32) j++;
  return [s.slice(i, j), j < s.length ? j + 1 : j];
}

/** RFC 5424 STRUCTURED-DATA: "-" or [id k="v" ...]... with \] \" \\ escapes inside values. */
function scanStructuredData(s: string, i: number): number {
  if (s[i] === '-') return i + 1;
  let j = i;
  while (s[j] === '[') {
    let inQuote = false;
    j++;
    for (; j < s.length; j++) {
      const c = s[j];
      if (c === '\\') { j++; continue; }
      if (c === '"') inQuote = !inQuote;
      else if (c === ']' && !inQuote) { j++; break; }
    }
  }
  return j;
}

/**
 * Reads an optional syslog header. `stopAt` is a marker ("CEF:", "LEEF:") that ends the header
 * early: a CEF line behind "<134>Sep 19 08:26:10 host " has no tag before the marker.
 */
export function parseSyslogHeader(line: string, now: Date, stopAt?: string): SyslogHeader {
  let s = line;
  const h: SyslogHeader = { msg: line, rfc: 'none' };
  const pm = PRI_RE.exec(s);
  if (pm) {
    const pri = Number(pm[1]);
    if (pri <= 191) h.pri = pri;
    s = s.slice(pm[0].length);
  }
  const atMarker = (rest: string): boolean => stopAt !== undefined && rest.startsWith(stopAt);
  // RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
  if (h.pri !== undefined && /^[1-9]\d? /.test(s)) {
    let i = s.indexOf(' ') + 1;
    const fields: string[] = [];
    for (let k = 0; k < 5 && i < s.length; k++) {
      if (atMarker(s.slice(i))) break;
      const [tok, next] = nextToken(s, i);
      fields.push(tok);
      i = next;
    }
    const [ts, host, app, procId, msgId] = fields;
    h.rfc = '5424';
    if (ts && ts !== '-') h.time = parseTime(ts, 'syslog timestamp', now);
    if (host && host !== '-') h.host = host;
    if (app && app !== '-') h.app = app;
    if (procId && procId !== '-') h.procId = procId;
    if (msgId && msgId !== '-') h.msgId = msgId;
    if (fields.length === 5 && i < s.length && !atMarker(s.slice(i))) {
      const end = scanStructuredData(s, i);
      const sd = s.slice(i, end);
      if (sd !== '-' && sd !== '') h.structuredData = sd;
      i = end;
      if (s[i] === ' ') i++;
    }
    let msg = s.slice(i);
    if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
    h.msg = msg;
    return h;
  }
  // RFC 3164: TIMESTAMP SP HOSTNAME SP TAG: MSG (timestamp may also be RFC 3339, as rsyslog writes it).
  let rest = s;
  const bm = BSD_TIME_RE.exec(rest);
  if (bm) {
    h.rfc = '3164';
    const frac = bm[7] ?? '';
    h.time = bm[3]
      ? parseTime(`${bm[1]} ${bm[2]} ${bm[3]} ${bm[4]}:${bm[5]}:${bm[6]}${frac ? '.' + frac : ''}`, 'syslog timestamp', now)
      : { iso: yearless(bm[1], +bm[2], +bm[4], +bm[5], +bm[6], frac, now, 'syslog timestamp', bm[0]), rule: 'ingest-year' };
    rest = rest.slice(bm[0].length).replace(/^\s+/, '');
  } else {
    const im = ISO_TOKEN_RE.exec(rest);
    if (im) {
      h.rfc = '3164';
      h.time = parseTime(im[0], 'syslog timestamp', now);
      rest = rest.slice(im[0].length).replace(/^\s+/, '');
    }
  }
  if (h.rfc === '3164' && rest !== '' && !atMarker(rest)) {
    // The host is the next token unless that token is already the tag ("sshd[42]:").
    const [tok, next] = nextToken(rest, 0);
    if (!tok.endsWith(':')) {
      h.host = tok;
      rest = rest.slice(next);
    }
  }
  if (h.rfc !== 'none' || h.pri !== undefined) {
    if (!atMarker(rest)) {
      const tm = TAG_RE.exec(rest);
      if (tm) {
        h.app = tm[1];
        if (tm[2]) h.procId = tm[2];
        rest = rest.slice(tm[0].length);
      }
    }
  }
  h.msg = rest;
  return h;
}

const AUTH_USER_RES = [
  /\b(?:Invalid|Illegal) user (\S{1,64}) from /,
  /\bFailed (?:password|publickey|none|keyboard-interactive\/pam) for (?:invalid user )?(\S{1,64}) from /,
  /\bAccepted (?:password|publickey|keyboard-interactive\/pam|gssapi-with-mic) for (\S{1,64}) from /,
  /\bauthentication failure;[^\n]{0,512}?\buser=(\S{1,64})/,
  /\bsession opened for user (\S{1,64})/,
];

/** The account named by the usual sshd / PAM messages ("Invalid user blimey from ..."). */
export function addAuthUser(text: string, obs: ObservableCollector): void {
  for (const re of AUTH_USER_RES) {
    const m = re.exec(text);
    if (m) {
      obs.user(m[1], 'target');
      return;
    }
  }
}

export function parseSyslogLine(line: string, ctx: Ctx): NormalizedAlert {
  const h = parseSyslogHeader(line, ctx.now);
  const obs = newObs();
  if (h.host) obs.hostOrIp(h.host, 'source');
  addAuthUser(h.msg, obs);
  obs.text(h.msg);
  if (h.structuredData) obs.text(h.structuredData);
  const msg = h.msg.trim();
  const severity = h.pri !== undefined ? { severity: severitySyslog(h.pri % 8), raw: h.pri % 8 } : undefined;
  return buildAlert({
    source: 'syslog',
    title: msg ? clip(h.app ? `${h.app}: ${msg}` : msg, 200) : h.app,
    titleFields: 'the syslog message',
    description: msg.length > 200 ? msg : undefined,
    severity,
    time: h.time,
    rule: h.msgId ? { id: h.msgId, name: h.app } : undefined,
    obs,
    raw: line,
  }, ctx);
}

export const syslog: LineFormat = {
  id: 'syslog',
  label: 'Syslog line (RFC 5424 or RFC 3164)',
  example: '<38>Apr 19 10:29:53 web-1 sshd[29205]: Failed password for invalid user admin from 203.0.113.18 port 48928 ssh2',
  detectLine: (line) => PRI_RE.test(line) || BSD_TIME_RE.test(line) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\S*\s+\S+\s+\S/.test(line),
  parseLine: parseSyslogLine,
};
