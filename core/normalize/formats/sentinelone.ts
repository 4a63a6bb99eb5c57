// SentinelOne threats (Management API /web/api/v2.1/threats items). No severity field:
// threatInfo.confidenceLevel maps malicious to high and suspicious to medium.
import type { Severity } from '../../model/types';
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { asArr, asObj, firstStr, getPath, isObj } from '../util';

function confidence(v: unknown): Severity | undefined {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  return s === 'malicious' ? 'high' : s === 'suspicious' ? 'medium' : undefined;
}

export const sentinelone: JsonFormat = {
  id: 'sentinelone',
  label: 'SentinelOne threat',
  example: JSON.stringify({
    id: '1234567890123456789',
    threatInfo: { threatName: 'invoice.exe', confidenceLevel: 'malicious', classification: 'Trojan', createdAt: '2024-05-01T10:00:00.123456Z', sha1: '3395856ce81f2b7382dee72602f798b642f14140', filePath: 'C:\\Users\\alice\\Downloads\\invoice.exe', processUser: 'CONTOSO\\alice', incidentStatus: 'unresolved' },
    agentRealtimeInfo: { agentComputerName: 'WS-01' }, agentDetectionInfo: { agentIpV4: '10.1.2.3', externalIp: '203.0.113.10' },
  }),
  keys: ['threatInfo'],
  detect: (o) => isObj(o.threatInfo) && (isObj(o.agentRealtimeInfo) || isObj(o.agentDetectionInfo)),
  parse: (o, ctx) => {
    const t = asObj(o.threatInfo) ?? {};
    const det = asObj(o.agentDetectionInfo) ?? {};
    const rt = asObj(o.agentRealtimeInfo) ?? {};
    const obs = newObs();
    obs.hostOrIp(firstStr(rt.agentComputerName, det.agentComputerName), 'target');
    // agentIpV4 may list several addresses separated by commas.
    for (const k of ['agentIpV4', 'agentIpV6']) for (const ip of String(det[k] ?? '').split(',')) obs.ip(ip, 'target');
    obs.ip(det.externalIp, 'target');
    for (const nic of asArr(rt.networkInterfaces)) {
      for (const ip of asArr(asObj(nic)?.inet)) obs.ip(ip, 'target');
      for (const ip of asArr(asObj(nic)?.inet6)) obs.ip(ip, 'target');
    }
    for (const k of ['sha1', 'sha256', 'md5']) obs.hash(t[k], 'related');
    obs.user(t.processUser, 'actor');
    obs.user(det.agentLastLoggedInUserName, 'related');
    obs.file(t.filePath, 'related');
    for (const ind of asArr(o.indicators)) obs.text(getPath(ind, 'description'));
    const status = firstStr(t.incidentStatus)?.toLowerCase();
    return buildAlert({
      source: 'sentinelone',
      id: firstStr(o.id, t.threatId),
      title: firstStr(t.threatName, t.classification),
      titleFields: 'threatInfo.threatName',
      description: firstStr(t.classification),
      severity: sev(confidence, t.confidenceLevel),
      time: firstTime(ctx, [t.createdAt, 'threatInfo.createdAt']),
      status: status === 'resolved' ? 'resolved' : status ? 'firing' : undefined,
      rule: { name: firstStr(t.classification) },
      obs,
      raw: o,
    }, ctx);
  },
};
