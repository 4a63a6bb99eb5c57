// Microsoft Sentinel incidents: the REST resource ({id, name, type, properties}) and the
// Logic App / automation-rule trigger body ({object: <incident>, workspaceId, ...}).
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { severityFromWord } from '../severity';
import { asArr, asObj, firstStr, getPath, type Obj } from '../util';

function incidentOf(o: Obj): Obj {
  return asObj(o.object) ?? o;
}

function isIncident(o: Obj): boolean {
  const t = o.type;
  return typeof t === 'string' && t.toLowerCase() === 'microsoft.securityinsights/incidents';
}

export const sentinel: JsonFormat = {
  id: 'microsoft.sentinel',
  label: 'Microsoft Sentinel incident',
  example: JSON.stringify({
    id: '/subscriptions/0000/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/ws/providers/Microsoft.SecurityInsights/Incidents/73e01a99',
    name: '73e01a99-5cd7-4139-a149-9f2736ff2ab5', type: 'Microsoft.SecurityInsights/Incidents',
    properties: { title: 'Multiple failed sign-ins', severity: 'High', status: 'New', incidentNumber: 3177, createdTimeUtc: '2024-05-01T10:00:00.1234567Z' },
  }),
  keys: ['type', 'object', 'properties'],
  detect: (o) => isIncident(o) || isIncident(asObj(o.object) ?? {}) || (asObj(o.properties)?.incidentNumber !== undefined),
  parse: (o, ctx) => {
    const inc = incidentOf(o);
    const p = asObj(inc.properties) ?? {};
    const obs = newObs();
    // Entities of the related alerts (the trigger body carries them under relatedEntities).
    for (const ent of asArr(p.relatedEntities)) {
      const e = asObj(ent);
      const props = asObj(e?.properties) ?? e;
      if (!props) continue;
      const kind = String(e?.kind ?? '').toLowerCase();
      if (kind === 'ip') obs.ip(props.address, 'related');
      else if (kind === 'host') obs.host(firstStr(props.hostName, props.friendlyName), 'target');
      else if (kind === 'account') obs.user(firstStr(props.accountName, props.userPrincipalName), 'related');
      else if (kind === 'url') obs.url(props.url, 'related');
      else if (kind === 'filehash') obs.hash(props.hashValue, 'related');
      else if (kind === 'dnsresolution' || kind === 'dns') obs.domain(props.domainName, 'related');
    }
    // properties.owner is the assigned analyst and is not read.
    const status = firstStr(p.status)?.toLowerCase();
    const sevRaw = firstStr(p.severity);
    const ruleIds = asArr(p.relatedAnalyticRuleIds);
    return buildAlert({
      source: 'microsoft.sentinel',
      id: firstStr(inc.name, inc.id, p.incidentNumber),
      title: firstStr(p.title),
      titleFields: 'properties.title',
      description: firstStr(p.description),
      severity: sev(severityFromWord, sevRaw),
      time: firstTime(ctx, [p.createdTimeUtc, 'properties.createdTimeUtc'], [p.firstActivityTimeUtc, 'properties.firstActivityTimeUtc']),
      status: status === 'closed' ? 'resolved' : status ? 'firing' : undefined,
      rule: ruleIds.length ? { id: firstStr(ruleIds[0]), name: firstStr(getPath(p, 'additionalData.alertProductNames.0')) } : undefined,
      obs,
      raw: o,
    }, ctx);
  },
};
