// Elastic Security / Elastic Defend alerts in ECS, nested or with flattened dotted keys.
// Only named ECS fields feed the observables: Defend documents hold dozens of policy-artifact and
// call-stack module hashes that are not indicators of this alert.
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { severityFrom0to100, severityFromWord } from '../severity';
import { asArr, firstStr, flattenPaths, getPath, isObj, type Obj } from '../util';

function each(v: unknown, fn: (x: unknown) => void): void {
  if (Array.isArray(v)) for (const x of v) fn(x);
  else fn(v);
}

export const elastic: JsonFormat = {
  id: 'elastic',
  label: 'Elastic Security alert (ECS)',
  example: JSON.stringify({
    '@timestamp': '2024-05-01T10:00:00.123Z', message: 'Malware Prevention Alert',
    event: { kind: 'alert', severity: 73, id: 'aBcD1234' }, host: { name: 'ws-01', ip: ['10.1.2.3'] },
    user: { name: 'alice' }, file: { path: 'C:\\Users\\alice\\evil.exe', hash: { sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f' } },
  }),
  keys: ['kibana.alert.rule.name', 'kibana', '@timestamp'],
  detect: (o) =>
    'kibana.alert.rule.name' in o || isObj(o.kibana) ||
    ('@timestamp' in o && (isObj(o.ecs) || 'ecs.version' in o || (isObj(o.event) && 'kind' in o.event) || 'event.kind' in o)),
  parse: (o: Obj, ctx) => {
    const paths = flattenPaths(o);
    const g = (p: string): unknown => paths.get(p);
    const obs = newObs();
    each(g('source.ip'), (v) => obs.ip(v, 'source'));
    each(g('destination.ip'), (v) => obs.ip(v, 'destination'));
    each(g('client.ip'), (v) => obs.ip(v, 'source'));
    each(g('server.ip'), (v) => obs.ip(v, 'destination'));
    each(g('host.ip'), (v) => obs.ip(v, 'target'));
    obs.host(firstStr(g('host.hostname'), g('host.name')), 'target');
    obs.domain(g('source.domain'), 'source');
    obs.domain(g('destination.domain'), 'destination');
    obs.domain(g('dns.question.name'), 'related');
    obs.url(firstStr(g('url.full'), g('url.original')), 'related');
    obs.user(g('user.name'), 'actor');
    obs.user(g('user.target.name'), 'target');
    obs.email(g('user.email'), 'actor');
    obs.file(g('file.path'), 'target');
    obs.file(g('process.executable'), 'related');
    for (const base of ['file.hash', 'process.hash', 'process.parent.hash', 'dll.hash']) {
      for (const h of ['md5', 'sha1', 'sha256']) obs.hash(g(`${base}.${h}`), 'related');
    }
    for (const ind of asArr(g('threat.enrichments'))) {
      const i = getPath(ind, 'indicator');
      obs.ip(getPath(i, 'ip'), 'related');
      obs.domain(getPath(i, 'url.domain'), 'related');
    }
    const sevWord = firstStr(g('kibana.alert.severity'), g('signal.rule.severity'));
    const severity =
      sev(severityFromWord, sevWord) ??
      sev(severityFrom0to100, g('event.severity')) ??
      sev(severityFrom0to100, firstStr(g('kibana.alert.risk_score'), g('event.risk_score')));
    const ruleName = firstStr(g('kibana.alert.rule.name'), g('rule.name'), g('signal.rule.name'));
    return buildAlert({
      source: 'elastic',
      id: firstStr(g('kibana.alert.uuid'), g('event.id'), o._id),
      title: firstStr(ruleName, g('message'), g('event.action')),
      titleFields: 'kibana.alert.rule.name, rule.name, message, event.action',
      description: firstStr(g('kibana.alert.reason'), g('kibana.alert.rule.description'), g('rule.description')),
      severity,
      // The alert document's @timestamp is when the alert was made; original_time is the event's.
      time: firstTime(ctx, [g('@timestamp'), '@timestamp'], [g('kibana.alert.original_time'), 'kibana.alert.original_time'], [g('event.created'), 'event.created']),
      rule: { id: firstStr(g('kibana.alert.rule.rule_id'), g('kibana.alert.rule.uuid'), g('rule.id')), name: ruleName },
      obs,
      raw: o,
    }, ctx);
  },
};
