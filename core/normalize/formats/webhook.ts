// Alertmanager and Grafana webhooks carry a group of alerts that becomes ONE normalized alert:
// title from the common fields, highest severity, earliest startsAt, union of observables.
import type { AlertStatus, NormalizedAlert, Severity } from '../../model/types';
import { buildAlert, newObs, time, type Ctx, type SeverityResult } from '../alert';
import type { ObservableCollector } from '../observables';
import { severityFromWord, severityRank } from '../severity';
import { isoMs, type TimeResult } from '../time';
import { asArr, asObj, firstStr, str, type Obj } from '../util';

// Labels that name the thing the alert is about.
const HOST_LABELS = ['instance', 'host', 'hostname', 'node', 'nodename', 'server', 'target', 'exported_instance'];
const IP_LABELS = ['ip', 'src_ip', 'source_ip', 'dst_ip', 'dest_ip', 'client_ip', 'remote_addr'];
const USER_LABELS = ['user', 'username', 'user_name'];

function labelsToObservables(labels: Obj | undefined, obs: ObservableCollector): void {
  if (!labels) return;
  for (const k of HOST_LABELS) if (labels[k] !== undefined) obs.hostOrIp(labels[k], 'target');
  for (const k of IP_LABELS) if (labels[k] !== undefined) obs.ip(labels[k], k.startsWith('d') ? 'destination' : 'source');
  for (const k of USER_LABELS) if (labels[k] !== undefined) obs.user(labels[k], 'actor');
  if (labels.url !== undefined) obs.url(labels.url, 'target');
  if (labels.domain !== undefined) obs.domain(labels.domain, 'target');
}

export function parseGroupWebhook(o: Obj, source: 'alertmanager' | 'grafana', ctx: Ctx): NormalizedAlert {
  const alerts = asArr(o.alerts).map(asObj).filter((a): a is Obj => a !== undefined);
  const first = alerts[0];
  const common = asObj(o.commonLabels);
  const commonAnn = asObj(o.commonAnnotations);
  const title = firstStr(
    commonAnn?.summary, common?.alertname, o.title,
    asObj(first?.annotations)?.summary, asObj(first?.labels)?.alertname,
  );
  const obs = newObs();
  let severity: SeverityResult | undefined;
  let earliest: TimeResult | undefined;
  for (const [i, a] of alerts.entries()) {
    const labels = asObj(a.labels);
    const raw = labels?.severity ?? labels?.priority;
    const s: Severity | undefined = severityFromWord(raw);
    if (s && (!severity || severityRank(s) > severityRank(severity.severity))) severity = { severity: s, raw: String(raw) };
    const t = time(a.startsAt, `alerts[${i}].startsAt`, ctx);
    if (t && (!earliest || isoMs(t.iso) < isoMs(earliest.iso))) earliest = t;
    labelsToObservables(labels, obs);
  }
  if (!severity) {
    const raw = common?.severity;
    const s = severityFromWord(raw);
    if (s) severity = { severity: s, raw: String(raw) };
  }
  const status = str(o.status)?.toLowerCase();
  const st: AlertStatus | undefined = status === 'resolved' ? 'resolved' : status === 'firing' ? 'firing' : undefined;
  const alertname = firstStr(common?.alertname, asObj(first?.labels)?.alertname);
  return buildAlert({
    source,
    // The group key names this group of alerts across its firing and resolved notifications.
    id: firstStr(o.groupKey) ?? (alerts.length === 1 ? firstStr(first?.fingerprint) : undefined),
    title,
    titleFields: 'commonAnnotations.summary, commonLabels.alertname, title, alerts[0].annotations.summary, alerts[0].labels.alertname',
    description: firstStr(commonAnn?.description, asObj(first?.annotations)?.description),
    severity,
    time: earliest,
    status: st,
    rule: alertname ? { name: alertname } : undefined,
    obs,
    raw: o,
  }, ctx);
}
