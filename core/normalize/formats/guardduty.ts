// Amazon GuardDuty findings: the GetFindings/API shape, and the EventBridge envelope
// ({"detail-type": "GuardDuty Finding", "detail": {finding}}).
import type { NormalizedAlert, ObservableRole } from '../../model/types';
import type { Ctx, JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import type { ObservableCollector } from '../observables';
import { severityGuardDuty } from '../severity';
import { asArr, asObj, firstStr, getPath, isObj, type Obj } from '../util';

/** Walks a finding sub-tree for address/user/instance keys (bounded depth: findings are shallow). */
function walk(v: unknown, obs: ObservableCollector, role: ObservableRole, depth: number): void {
  if (depth > 12) return;
  if (Array.isArray(v)) {
    for (const x of v) walk(x, obs, role, depth + 1);
    return;
  }
  if (!isObj(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined) continue;
    let r = role;
    if (k === 'remoteIpDetails' || k === 'remoteAccountDetails') r = 'source';
    else if (k === 'localIpDetails') r = 'target';
    switch (k) {
      case 'ipAddressV4': case 'ipAddressV6': case 'privateIpAddress': case 'publicIp': case 'ipv6Address':
        obs.ip(x, r);
        break;
      case 'sourceIPs': case 'ipv6Addresses':
        for (const ip of asArr(x)) obs.ip(ip, r);
        break;
      case 'userName': case 'username':
        obs.user(x, r === 'source' ? 'actor' : r);
        break;
      case 'instanceId':
        obs.host(x, 'target');
        break;
      case 'domain': case 'domainWithSuffix':
        obs.domain(x, 'related');
        break;
      case 'privateDnsName': case 'publicDnsName':
        obs.hostOrIp(x, 'target');
        break;
      case 'hash':
        obs.hash(x, 'related');
        break;
      default:
        if (typeof x === 'object') walk(x, obs, r, depth + 1);
    }
  }
}

export function parseGuardDutyFinding(f: Obj, raw: unknown, ctx: Ctx): NormalizedAlert {
  const obs = newObs();
  walk(getPath(f, 'service.action'), obs, 'related', 0);
  const resource = asObj(f.resource);
  walk(resource, obs, 'target', 0);
  const eks = asObj(resource?.eksClusterDetails);
  if (eks) obs.host(eks.name, 'target');
  const type = firstStr(f.type);
  return buildAlert({
    source: 'aws.guardduty',
    id: firstStr(f.id),
    title: firstStr(f.title, type),
    titleFields: 'title, type',
    description: firstStr(f.description),
    severity: sev(severityGuardDuty, f.severity),
    time: firstTime(ctx, [f.createdAt, 'createdAt']),
    status: getPath(f, 'service.archived') === true ? 'resolved' : undefined,
    rule: type ? { id: type, name: type } : undefined,
    obs,
    raw,
  }, ctx);
}

export const guardduty: JsonFormat = {
  id: 'aws.guardduty',
  label: 'Amazon GuardDuty finding',
  example: JSON.stringify({
    schemaVersion: '2.0', id: '7ac3f4b1c2d0e9', type: 'UnauthorizedAccess:EC2/SSHBruteForce', severity: 5,
    createdAt: '2024-05-01T10:00:00.123Z', title: '203.0.113.9 is performing SSH brute force attacks against i-0abc.',
    resource: { instanceDetails: { instanceId: 'i-0abc' } },
    service: { serviceName: 'guardduty', action: { networkConnectionAction: { remoteIpDetails: { ipAddressV4: '203.0.113.9' } } } },
  }),
  keys: ['detail-type', 'type'],
  detect: (o) =>
    o['detail-type'] === 'GuardDuty Finding' ||
    (typeof o.type === 'string' && 'severity' in o && (getPath(o, 'service.serviceName') === 'guardduty' || (typeof o.arn === 'string' && o.arn.includes(':guardduty:')))),
  parse: (o, ctx) => {
    const detail = o['detail-type'] === 'GuardDuty Finding' ? asObj(o.detail) : undefined;
    return parseGuardDutyFinding(detail ?? o, o, ctx);
  },
};
