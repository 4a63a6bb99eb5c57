// Wazuh alerts.json records: rule.level 0-16, decoded fields under data.*.
import type { NormalizedAlert } from '../../model/types';
import type { Ctx, JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import type { ObservableCollector } from '../observables';
import { severityWazuhLevel } from '../severity';
import { asObj, firstStr, getPath, isObj, type Obj } from '../util';
import { addAuthUser } from './syslog';

export function wazuhDataObservables(data: Obj | undefined, obs: ObservableCollector): void {
  if (!data) return;
  obs.ip(firstStr(data.srcip, data.src_ip), 'source');
  obs.ip(firstStr(data.dstip, data.dst_ip), 'destination');
  obs.user(firstStr(data.srcuser, data.src_user), 'actor');
  obs.user(firstStr(data.dstuser, data.dst_user), 'target');
  obs.url(data.url, 'related');
  obs.hostOrIp(data.hostname, 'related');
  const win = asObj(getPath(data, 'win.eventdata'));
  if (win) {
    obs.ip(win.ipAddress, 'source');
    obs.user(win.targetUserName, 'target');
    obs.user(win.subjectUserName, 'actor');
    obs.file(win.image, 'related');
    const hashes = firstStr(win.hashes);
    if (hashes) for (const part of hashes.split(',')) obs.hash(part.slice(part.indexOf('=') + 1), 'related');
  }
  const aws = asObj(data.aws);
  if (aws) obs.ip(firstStr(aws.sourceIPAddress, getPath(aws, 'source_ip_address')), 'source');
}

export function parseWazuh(o: Obj, ctx: Ctx): NormalizedAlert {
  const rule = asObj(o.rule) ?? {};
  const obs = newObs();
  const data = asObj(o.data);
  wazuhDataObservables(data, obs);
  const agent = asObj(o.agent);
  // Agent 000 is the manager itself, not the host the alert is about.
  if (agent && agent.id !== '000') obs.host(agent.name, 'target');
  obs.host(getPath(o, 'predecoder.hostname'), 'target');
  const sc = asObj(o.syscheck);
  if (sc) {
    obs.file(sc.path, 'target');
    for (const k of ['md5_after', 'sha1_after', 'sha256_after']) obs.hash(sc[k], 'related');
  }
  const fullLog = firstStr(o.full_log);
  if (fullLog) {
    addAuthUser(fullLog, obs);
    obs.text(fullLog);
  }
  return buildAlert({
    source: 'wazuh',
    id: firstStr(o.id, o._id),
    title: firstStr(rule.description),
    titleFields: 'rule.description',
    description: fullLog,
    severity: sev(severityWazuhLevel, rule.level),
    // Only the manager's timestamp: predecoder.timestamp is agent-local with no zone.
    time: firstTime(ctx, [o.timestamp, 'timestamp'], [o['@timestamp'], '@timestamp']),
    rule: { id: firstStr(rule.id), name: firstStr(rule.description) },
    obs,
    raw: o,
  }, ctx);
}

export const wazuh: JsonFormat = {
  id: 'wazuh',
  label: 'Wazuh alert (alerts.json)',
  example: JSON.stringify({
    timestamp: '2024-05-01T10:00:00.000+0000', id: '1714557600.1234',
    rule: { level: 10, description: 'sshd: brute force trying to get access to the system.', id: '5712' },
    agent: { id: '001', name: 'web-1' }, data: { srcip: '203.0.113.9', srcuser: 'root' },
    full_log: 'May  1 10:00:00 web-1 sshd[812]: Failed password for root from 203.0.113.9 port 50022 ssh2',
  }),
  keys: ['rule'],
  detect: (o) => isObj(o.rule) && 'level' in o.rule && (isObj(o.agent) || isObj(o.manager) || 'full_log' in o || isObj(o.decoder)),
  parse: parseWazuh,
};
