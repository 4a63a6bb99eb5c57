// Suricata: EVE JSON records (alert and other event types) and fast.log lines.
import type { NormalizedAlert } from '../../model/types';
import type { Ctx, JsonFormat, LineFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { AlertFormatError } from '../errors';
import type { ObservableCollector } from '../observables';
import { parseIp } from '../ip';
import { severitySuricata } from '../severity';
import { civilUtc, yearless, type TimeResult } from '../time';
import { asArr, asObj, firstStr, getPath, isObj, type Obj } from '../util';

function parseEve(o: Obj, ctx: Ctx): NormalizedAlert {
  const alert = asObj(o.alert);
  const obs = newObs();
  obs.ip(o.src_ip, 'source');
  obs.ip(o.dest_ip, 'destination');
  const http = asObj(o.http);
  if (http) obs.hostOrIp(http.hostname, 'destination');
  // EVE dns: v1 has dns.rrname, v2 dns.query[], v3 dns.queries[].
  const dns = asObj(o.dns);
  if (dns) {
    obs.domain(dns.rrname, 'related');
    for (const q of [...asArr(dns.query), ...asArr(dns.queries)]) obs.domain(asObj(q)?.rrname, 'related');
  }
  obs.domain(getPath(o, 'tls.sni'), 'destination');
  const fi = asObj(o.fileinfo);
  if (fi) {
    obs.file(fi.filename, 'related');
    for (const k of ['md5', 'sha1', 'sha256']) obs.hash(fi[k], 'related');
  }
  const eventType = firstStr(o.event_type) ?? 'event';
  const sid = firstStr(alert?.signature_id);
  return buildAlert({
    source: 'suricata',
    title: firstStr(alert?.signature, getPath(o, 'anomaly.event')) ?? `Suricata ${eventType}`,
    description: firstStr(alert?.category),
    severity: sev(severitySuricata, alert?.severity),
    time: firstTime(ctx, [o.timestamp, 'timestamp']),
    rule: sid || alert?.signature ? { id: sid, name: firstStr(alert?.signature) } : undefined,
    obs,
    raw: o,
  }, ctx);
}

export const suricataEve: JsonFormat = {
  id: 'suricata',
  label: 'Suricata (EVE JSON or fast.log)',
  example: JSON.stringify({
    timestamp: '2024-05-01T10:00:00.123456+0000', event_type: 'alert', src_ip: '203.0.113.5', src_port: 4444,
    dest_ip: '10.0.0.8', dest_port: 80, proto: 'TCP',
    alert: { action: 'allowed', gid: 1, signature_id: 2001999, rev: 9, signature: 'ET MALWARE Example', category: 'A Network Trojan was detected', severity: 1 },
  }),
  keys: ['event_type'],
  detect: (o) => typeof o.event_type === 'string' && ('src_ip' in o || 'flow_id' in o || isObj(o.alert)),
  parse: parseEve,
};

const FAST_TIME_RE = /^(\d{2})\/(\d{2})(?:\/(\d{2}|\d{4}))?-(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function fastTime(stamp: string, ctx: Ctx): TimeResult {
  const m = FAST_TIME_RE.exec(stamp);
  if (!m) throw new AlertFormatError('bad-date', `bad date in fast.log timestamp: "${stamp.slice(0, 40)}"`);
  const [mo, d, h, mi, s] = [+m[1], +m[2], +m[4], +m[5], +m[6]];
  const frac = m[7] ?? '';
  if (!m[3]) {
    // fast.log without -y has no year: the receipt year, as for BSD syslog.
    if (mo < 1 || mo > 12) throw new AlertFormatError('bad-date', `bad date in fast.log timestamp: "${stamp}" (month out of range)`);
    return { iso: yearless(MONTHS[mo - 1], d, h, mi, s, frac, ctx.now, 'fast.log timestamp', stamp), rule: 'ingest-year' };
  }
  const y = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  return { iso: civilUtc(y, mo, d, h, mi, s, frac, 'fast.log timestamp', stamp), rule: 'source' };
}

/** "198.51.100.154:80", "[2001:db8::1]:80", "2001:db8::1:80" (Suricata's unbracketed v6) or a bare address. */
function addEndpoint(ep: string, role: 'source' | 'destination', obs: ObservableCollector): void {
  if (ep.startsWith('[')) {
    obs.ip(ep.slice(1, ep.indexOf(']')), role);
    return;
  }
  if (parseIp(ep)) {
    const colons = ep.split(':').length - 1;
    // An IPv6 address is also valid with the port appended as a last group: prefer the shorter form.
    const last = ep.lastIndexOf(':');
    if (colons > 1 && last !== -1 && parseIp(ep.slice(0, last)) && /^\d{1,5}$/.test(ep.slice(last + 1))) {
      obs.ip(ep.slice(0, last), role);
      return;
    }
    obs.ip(ep, role);
    return;
  }
  const last = ep.lastIndexOf(':');
  if (last !== -1) obs.ip(ep.slice(0, last), role);
}

export function parseFastLine(line: string, ctx: Ctx): NormalizedAlert {
  const p1 = line.indexOf('[**]');
  const p2 = p1 === -1 ? -1 : line.indexOf('[**]', p1 + 4);
  if (p2 === -1) throw new AlertFormatError('bad-record', 'not a Suricata fast.log line (expected "[**] [gid:sid:rev] message [**]")');
  const stamp = line.slice(0, p1).trim();
  const mid = line.slice(p1 + 4, p2).trim();
  const sm = /^\[(\d+):(\d+):(\d+)\]\s*/.exec(mid);
  const title = sm ? mid.slice(sm[0].length) : mid;
  const tail = line.slice(p2 + 4);
  const cls = /\[Classification:\s*([^\]]*)\]/.exec(tail);
  const pri = /\[Priority:\s*(\d+)\]/.exec(tail);
  const flow = /\{([^}]*)\}\s*(\S+)\s*->\s*(\S+)/.exec(tail);
  const obs = newObs();
  if (flow) {
    addEndpoint(flow[2], 'source', obs);
    addEndpoint(flow[3], 'destination', obs);
  }
  return buildAlert({
    source: 'suricata',
    title,
    titleFields: 'the message between [**] markers',
    description: cls ? cls[1].trim() : undefined,
    severity: pri ? sev(severitySuricata, Number(pri[1])) : undefined,
    time: fastTime(stamp, ctx),
    rule: sm ? { id: sm[2], name: title } : { name: title },
    obs,
    raw: line,
  }, ctx);
}

export const suricataFast: LineFormat = {
  id: 'suricata',
  label: 'Suricata (EVE JSON or fast.log)',
  example: '05/01/2024-10:00:00.123456  [**] [1:2001999:9] ET MALWARE Example [**] [Classification: A Network Trojan was detected] [Priority: 1] {TCP} 203.0.113.5:4444 -> 10.0.0.8:80',
  detectLine: (line) => line.indexOf(' [**] [') !== -1 && /^\d{2}\/\d{2}/.test(line),
  parseLine: parseFastLine,
};
