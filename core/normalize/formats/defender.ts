// Microsoft Defender alerts: Microsoft Graph security alert (alerts_v2, evidence[] typed by
// @odata.type) and the older Defender for Endpoint API alert (computerDnsName, evidence[].entityType).
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import type { ObservableCollector } from '../observables';
import { severityFromWord } from '../severity';
import { asArr, asObj, firstStr, type Obj } from '../util';

function fileDetails(f: Obj | undefined, obs: ObservableCollector): void {
  if (!f) return;
  for (const k of ['sha1', 'sha256', 'md5']) obs.hash(f[k], 'related');
  obs.filePath(f.filePath, f.fileName, 'related');
}

function userAccount(u: Obj | undefined, obs: ObservableCollector): void {
  if (!u) return;
  obs.user(firstStr(u.accountName, u.userPrincipalName), 'related');
}

function graphEvidence(e: Obj, obs: ObservableCollector): void {
  const t = String(e['@odata.type'] ?? '').replace('#microsoft.graph.security.', '');
  switch (t) {
    case 'deviceEvidence':
      obs.host(e.deviceDnsName, 'target');
      for (const ip of asArr(e.ipInterfaces)) obs.ip(ip, 'target');
      for (const u of asArr(e.loggedOnUsers)) obs.user(asObj(u)?.accountName, 'related');
      break;
    case 'fileEvidence':
      fileDetails(asObj(e.fileDetails), obs);
      break;
    case 'processEvidence':
      fileDetails(asObj(e.imageFile), obs);
      fileDetails(asObj(e.parentProcessImageFile), obs);
      userAccount(asObj(e.userAccount), obs);
      break;
    case 'userEvidence':
      userAccount(asObj(e.userAccount), obs);
      break;
    case 'ipEvidence':
      obs.ip(e.ipAddress, 'related');
      break;
    case 'urlEvidence':
      obs.url(e.url, 'related');
      break;
    case 'mailboxEvidence':
      obs.email(e.primaryAddress, 'target');
      break;
    case 'analyzedMessageEvidence':
      obs.ip(e.senderIp, 'source');
      obs.email(asObj(e.p1Sender)?.emailAddress, 'actor');
      for (const u of asArr(e.urls)) obs.url(u, 'related');
      break;
    default:
      break;
  }
}

/** Defender for Endpoint API evidence: entityType File, Process, User, Ip, Url. */
function mdeEvidence(e: Obj, obs: ObservableCollector): void {
  for (const k of ['sha1', 'sha256', 'md5']) obs.hash(e[k], 'related');
  if (e.filePath !== undefined || e.fileName !== undefined) obs.filePath(e.filePath, e.fileName, 'related');
  obs.ip(e.ipAddress, 'related');
  obs.url(e.url, 'related');
  obs.user(firstStr(e.accountName, e.userPrincipalName), 'related');
}

export const defender: JsonFormat = {
  id: 'microsoft.defender',
  label: 'Microsoft Defender alert (Graph security API or MDE API)',
  example: JSON.stringify({
    '@odata.type': '#microsoft.graph.security.alert', id: 'da637551227677560813_-961444813', title: 'Suspicious PowerShell command line',
    severity: 'high', status: 'new', createdDateTime: '2024-05-01T10:00:00.1234567Z', serviceSource: 'microsoftDefenderForEndpoint',
    evidence: [{ '@odata.type': '#microsoft.graph.security.deviceEvidence', deviceDnsName: 'ws-01.contoso.com', ipInterfaces: ['10.1.2.3'] }],
  }),
  keys: ['@odata.type', 'serviceSource', 'alertCreationTime'],
  detect: (o) =>
    (typeof o['@odata.type'] === 'string' && o['@odata.type'].endsWith('security.alert')) ||
    ('serviceSource' in o && 'detectionSource' in o && 'createdDateTime' in o) ||
    ('alertCreationTime' in o && ('machineId' in o || 'computerDnsName' in o)),
  parse: (o, ctx) => {
    const obs = newObs();
    const graph = 'createdDateTime' in o;
    for (const ev of asArr(o.evidence)) {
      const e = asObj(ev);
      if (!e) continue;
      if (graph) graphEvidence(e, obs);
      else mdeEvidence(e, obs);
    }
    if (!graph) obs.host(o.computerDnsName, 'target');
    // assignedTo is the analyst, not an observable; the status says whether it is still open.
    const status = firstStr(o.status)?.toLowerCase();
    const sevRaw = firstStr(o.severity);
    return buildAlert({
      source: 'microsoft.defender',
      id: firstStr(o.id, o.providerAlertId, o.alertId),
      title: firstStr(o.title),
      titleFields: 'title',
      description: firstStr(o.description),
      severity: sevRaw?.toLowerCase() === 'unknown' ? undefined : sev(severityFromWord, sevRaw),
      time: firstTime(ctx, [o.createdDateTime, 'createdDateTime'], [o.alertCreationTime, 'alertCreationTime']),
      status: status === 'resolved' ? 'resolved' : status ? 'firing' : undefined,
      rule: { id: firstStr(o.detectorId), name: firstStr(o.title) },
      obs,
      raw: o,
    }, ctx);
  },
};
