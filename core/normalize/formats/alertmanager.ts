// Prometheus Alertmanager webhook (version 4).
import type { JsonFormat } from '../alert';
import { parseGroupWebhook } from './webhook';

export const alertmanager: JsonFormat = {
  id: 'alertmanager',
  label: 'Prometheus Alertmanager webhook',
  example: JSON.stringify({
    version: '4', status: 'firing', receiver: 'ir', groupKey: '{}:{alertname="HostDown"}',
    commonLabels: { alertname: 'HostDown', severity: 'critical' },
    commonAnnotations: { summary: 'Host 10.0.0.5 is down' },
    alerts: [{ status: 'firing', labels: { alertname: 'HostDown', instance: '10.0.0.5:9100', severity: 'critical' }, startsAt: '2024-05-01T10:00:00Z', endsAt: '0001-01-01T00:00:00Z' }],
  }),
  keys: ['alerts'],
  detect: (o) => Array.isArray(o.alerts) && ('groupKey' in o || 'receiver' in o) && !('orgId' in o),
  parse: (o, ctx) => parseGroupWebhook(o, 'alertmanager', ctx),
};
