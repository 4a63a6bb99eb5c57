// Azure Monitor common alert schema: data.essentials (+ alertContext for the signal type).
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { severityAzure } from '../severity';
import { asArr, asObj, firstStr, getPath } from '../util';

export const azureMonitor: JsonFormat = {
  id: 'azure.monitor',
  label: 'Azure Monitor alert (common alert schema)',
  example: JSON.stringify({
    schemaId: 'azureMonitorCommonAlertSchema',
    data: { essentials: { alertId: '/subscriptions/0000/providers/Microsoft.AlertsManagement/alerts/1', alertRule: 'High CPU on vm-web-1', severity: 'Sev2', signalType: 'Metric', monitorCondition: 'Fired', configurationItems: ['vm-web-1'], firedDateTime: '2024-05-01T10:00:00.1234567Z' } },
  }),
  keys: ['schemaId', 'data'],
  detect: (o) => o.schemaId === 'azureMonitorCommonAlertSchema' || asObj(asObj(o.data)?.essentials) !== undefined,
  parse: (o, ctx) => {
    const ess = asObj(getPath(o, 'data.essentials')) ?? {};
    const context = asObj(getPath(o, 'data.alertContext')) ?? {};
    const obs = newObs();
    for (const ci of asArr(ess.configurationItems)) obs.hostOrIp(ci, 'target');
    obs.user(context.caller, 'actor');
    for (const c of asArr(getPath(context, 'condition.allOf'))) {
      for (const d of asArr(asObj(c)?.dimensions)) {
        const dim = asObj(d);
        const name = String(dim?.name ?? '').toLowerCase();
        if (/^(computer|computername|hostname|host)$/.test(name)) obs.hostOrIp(dim?.value, 'target');
        else if (/^(ip|ipaddress|clientip|sourceip|callerip)$/.test(name)) obs.ip(dim?.value, 'source');
      }
    }
    const cond = firstStr(ess.monitorCondition)?.toLowerCase();
    const desc = firstStr(ess.description);
    return buildAlert({
      source: 'azure.monitor',
      id: firstStr(ess.alertId),
      title: firstStr(ess.alertRule),
      titleFields: 'data.essentials.alertRule',
      description: desc,
      severity: sev(severityAzure, ess.severity),
      time: firstTime(ctx, [ess.firedDateTime, 'data.essentials.firedDateTime']),
      status: cond === 'resolved' ? 'resolved' : cond === 'fired' ? 'firing' : undefined,
      rule: { id: firstStr(ess.alertRuleId), name: firstStr(ess.alertRule) },
      obs,
      raw: o,
    }, ctx);
  },
};
