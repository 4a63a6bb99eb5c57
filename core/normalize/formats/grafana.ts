// Grafana Alerting webhook (unified alerting, same group shape as Alertmanager plus orgId/title/state),
// and the legacy (Grafana < 8) webhook with ruleName/evalMatches.
import type { JsonFormat } from '../alert';
import { buildAlert, newObs } from '../alert';
import { asArr, asObj, firstStr, str } from '../util';
import { parseGroupWebhook } from './webhook';

export const grafana: JsonFormat = {
  id: 'grafana',
  label: 'Grafana Alerting webhook',
  example: JSON.stringify({
    receiver: 'ir', status: 'firing', orgId: 1, title: '[FIRING:1] DiskFull (web-1)', state: 'alerting',
    commonLabels: { alertname: 'DiskFull' },
    alerts: [{ status: 'firing', labels: { alertname: 'DiskFull', instance: 'web-1' }, startsAt: '2024-05-01T10:00:00Z' }],
  }),
  keys: ['alerts', 'ruleName'],
  detect: (o) =>
    (Array.isArray(o.alerts) && ('orgId' in o || ('state' in o && 'title' in o))) ||
    ('ruleName' in o && 'evalMatches' in o),
  parse: (o, ctx) => {
    if (Array.isArray(o.alerts)) return parseGroupWebhook(o, 'grafana', ctx);
    // Legacy webhook: no times, state alerting/ok.
    const obs = newObs();
    for (const m of asArr(o.evalMatches)) {
      const tags = asObj(asObj(m)?.tags);
      if (tags) for (const k of ['instance', 'host', 'hostname']) if (tags[k] !== undefined) obs.hostOrIp(tags[k], 'target');
    }
    const state = str(o.state)?.toLowerCase();
    return buildAlert({
      source: 'grafana',
      title: firstStr(o.title, o.ruleName),
      titleFields: 'title, ruleName',
      description: firstStr(o.message),
      status: state === 'ok' ? 'resolved' : state === 'alerting' ? 'firing' : undefined,
      rule: { id: firstStr(o.ruleId), name: firstStr(o.ruleName) },
      obs,
      raw: o,
    }, ctx);
  },
};
