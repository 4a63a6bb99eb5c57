// AWS Security Hub findings in ASFF. Severity is the top-level Severity.Label only.
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { severityFromWord } from '../severity';
import { asArr, asObj, firstStr, getPath } from '../util';

const INSTANCE_RE = /\b(i-[0-9a-f]{8,17})\b/;

export const securityhub: JsonFormat = {
  id: 'aws.securityhub',
  label: 'AWS Security Hub finding (ASFF)',
  example: JSON.stringify({
    SchemaVersion: '2018-10-08', Id: 'arn:aws:securityhub:us-east-1:111122223333:finding/1', ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
    GeneratorId: 'guardduty', AwsAccountId: '111122223333', Types: ['TTPs/Initial Access'], CreatedAt: '2024-05-01T10:00:00.123Z',
    Severity: { Label: 'HIGH' }, Title: 'SSH brute force against i-0abc', Resources: [{ Type: 'AwsEc2Instance', Id: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc' }],
  }),
  keys: ['SchemaVersion'],
  detect: (o) => 'SchemaVersion' in o && 'ProductArn' in o,
  parse: (o, ctx) => {
    const obs = newObs();
    for (const r of asArr(o.Resources)) {
      const res = asObj(r);
      if (!res) continue;
      const type = firstStr(res.Type);
      const id = firstStr(res.Id);
      if (type === 'AwsEc2Instance' && id) {
        const m = INSTANCE_RE.exec(id);
        obs.host(m ? m[1] : id, 'target');
      }
      const ec2 = asObj(getPath(res, 'Details.AwsEc2Instance'));
      if (ec2) {
        for (const ip of asArr(ec2.IpV4Addresses)) obs.ip(ip, 'target');
        for (const ip of asArr(ec2.IpV6Addresses)) obs.ip(ip, 'target');
      }
      const key = asObj(getPath(res, 'Details.AwsIamAccessKey'));
      if (key) obs.user(firstStr(key.PrincipalName, key.UserName), 'actor');
      const user = asObj(getPath(res, 'Details.AwsIamUser'));
      if (user) obs.user(user.UserName, 'target');
    }
    const net = asObj(o.Network);
    if (net) {
      obs.ip(net.SourceIpV4, 'source');
      obs.ip(net.SourceIpV6, 'source');
      obs.ip(net.DestinationIpV4, 'destination');
      obs.ip(net.DestinationIpV6, 'destination');
      obs.domain(net.SourceDomain, 'source');
      obs.domain(net.DestinationDomain, 'destination');
    }
    for (const m of asArr(o.Malware)) obs.file(asObj(m)?.Path, 'related');
    obs.file(getPath(o, 'Process.Path'), 'related');
    // GuardDuty (and others) flatten their own finding into slash-path ProductFields keys.
    const pf = asObj(o.ProductFields);
    if (pf) {
      for (const [k, v] of Object.entries(pf)) {
        if (k.endsWith('/ipAddressV4') || k.endsWith('/ipAddressV6')) {
          obs.ip(v, k.includes('/remoteIpDetails/') ? 'source' : k.includes('/localIpDetails/') ? 'target' : 'related');
        } else if (k.endsWith('/domain')) obs.domain(v, 'related');
      }
    }
    const wf = firstStr(getPath(o, 'Workflow.Status'), o.WorkflowState)?.toUpperCase();
    const label = getPath(o, 'Severity.Label');
    const types = asArr(o.Types);
    return buildAlert({
      source: 'aws.securityhub',
      id: firstStr(o.Id),
      title: firstStr(o.Title),
      titleFields: 'Title',
      description: firstStr(o.Description),
      // INFORMATIONAL is a word of the low level; Severity.Product / Normalized are not read.
      severity: sev(severityFromWord, label),
      time: firstTime(ctx, [o.CreatedAt, 'CreatedAt']),
      status: wf === 'RESOLVED' || o.RecordState === 'ARCHIVED' ? 'resolved' : wf === 'NEW' || wf === 'NOTIFIED' ? 'firing' : undefined,
      rule: { id: firstStr(o.GeneratorId), name: firstStr(types[0]) },
      obs,
      raw: o,
    }, ctx);
  },
};
