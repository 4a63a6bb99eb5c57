// CrowdStrike Falcon Streaming API events ({metadata: {eventType, eventCreationTime}, event: {...}}).
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { severityCrowdStrike, severityFromWord } from '../severity';
import { asArr, asObj, firstStr, isObj } from '../util';

const IOC_TYPES: Record<string, 'hash' | 'ip' | 'domain' | 'file'> = {
  hash_sha256: 'hash', hash_md5: 'hash', hash_sha1: 'hash', sha256: 'hash', md5: 'hash',
  ipv4: 'ip', ipv6: 'ip', domain: 'domain', filename: 'file',
};

export const crowdstrike: JsonFormat = {
  id: 'crowdstrike',
  label: 'CrowdStrike Falcon detection (Streaming API)',
  example: JSON.stringify({
    metadata: { eventType: 'DetectionSummaryEvent', eventCreationTime: 1714557600123, customerIDString: 'abc' },
    event: { DetectId: 'ldt:abc:123', DetectName: 'Credential Dumping', Severity: 4, SeverityName: 'High', ComputerName: 'WS-01', UserName: 'alice', LocalIP: '10.1.2.3', SHA256String: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f' },
  }),
  keys: ['metadata'],
  detect: (o) => isObj(o.metadata) && 'eventType' in o.metadata && isObj(o.event),
  parse: (o, ctx) => {
    const m = asObj(o.metadata) ?? {};
    const e = asObj(o.event) ?? {};
    const obs = newObs();
    obs.hostOrIp(e.ComputerName, 'target');
    obs.user(e.UserName, 'actor');
    obs.ip(e.LocalIP, 'target');
    for (const k of ['SHA256String', 'MD5String', 'SHA1String']) obs.hash(e[k], 'related');
    for (const na of asArr(e.NetworkAccesses)) {
      const a = asObj(na);
      if (!a) continue;
      obs.ip(a.LocalAddress, 'source');
      obs.ip(a.RemoteAddress, 'destination');
    }
    obs.filePath(e.FilePath, e.FileName, 'related');
    const iocType = IOC_TYPES[String(e.IOCType ?? '').toLowerCase()];
    if (iocType) obs.add(iocType, e.IOCValue, 'related');
    // Authentication and audit events name the account differently.
    obs.user(e.UserId, 'actor');
    obs.ip(e.UserIp, 'source');
    const sevNum = e.Severity;
    const severity = sev(severityCrowdStrike, sevNum) ?? sev(severityFromWord, e.SeverityName);
    return buildAlert({
      source: 'crowdstrike',
      id: firstStr(e.DetectId, e.CompositeId, e.IncidentId),
      title: firstStr(e.DetectName, e.Name, e.OperationName, m.eventType),
      titleFields: 'event.DetectName, event.Name, metadata.eventType',
      description: firstStr(e.DetectDescription, e.Description),
      severity,
      time: firstTime(ctx, [m.eventCreationTime, 'metadata.eventCreationTime']),
      rule: { id: firstStr(e.PatternId), name: firstStr(e.DetectName, e.Name) },
      obs,
      raw: o,
    }, ctx);
  },
};
