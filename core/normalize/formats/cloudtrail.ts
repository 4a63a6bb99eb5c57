// AWS CloudTrail events (raw records, or the EventBridge "AWS API Call via CloudTrail" detail).
// No severity: the default applies. The outcome (errorCode / ConsoleLogin result) goes in the description.
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs } from '../alert';
import { parseIp } from '../ip';
import { asObj, firstStr, getPath } from '../util';

export const cloudtrail: JsonFormat = {
  id: 'aws.cloudtrail',
  label: 'AWS CloudTrail event',
  example: JSON.stringify({
    eventVersion: '1.08', eventTime: '2024-05-01T10:00:00Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin',
    sourceIPAddress: '203.0.113.9', userIdentity: { type: 'IAMUser', userName: 'alice' }, errorMessage: 'Failed authentication',
    responseElements: { ConsoleLogin: 'Failure' }, eventID: '3f1a4b2c-0000-4000-8000-000000000001',
  }),
  keys: ['eventVersion'],
  detect: (o) => 'eventVersion' in o && 'eventSource' in o && 'eventName' in o,
  parse: (o, ctx) => {
    const obs = newObs();
    const src = firstStr(o.sourceIPAddress);
    // sourceIPAddress names an AWS service ("ec2.amazonaws.com") for service-made calls.
    if (src && parseIp(src)) obs.ip(src, 'source');
    const ui = asObj(o.userIdentity);
    const user = firstStr(
      ui?.userName, getPath(ui, 'sessionContext.sessionIssuer.userName'),
      ui?.type === 'Root' ? 'root' : undefined, getPath(o, 'additionalEventData.UserName'),
    );
    obs.user(user, 'actor');
    obs.user(getPath(o, 'requestParameters.userName'), 'target');
    const name = firstStr(o.eventName);
    const login = firstStr(getPath(o, 'responseElements.ConsoleLogin'));
    const outcome = [login, firstStr(o.errorCode), firstStr(o.errorMessage)].filter(Boolean).join(': ');
    const service = firstStr(o.eventSource);
    return buildAlert({
      source: 'aws.cloudtrail',
      id: firstStr(o.eventID),
      title: name,
      titleFields: 'eventName',
      description: [service, name].filter(Boolean).join(' ') + (outcome ? ` \u2014 ${outcome}` : ''),
      time: firstTime(ctx, [o.eventTime, 'eventTime']),
      rule: name ? { id: service ? `${service}:${name}` : name, name } : undefined,
      obs,
      raw: o,
    }, ctx);
  },
};
