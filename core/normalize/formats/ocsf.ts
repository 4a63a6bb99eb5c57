// OCSF events and findings (Detection Finding, Security Finding, ...): severity_id 0-6.
import type { ObservableRole } from '../../model/types';
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import type { ObservableCollector } from '../observables';
import { severityOcsf } from '../severity';
import { asArr, asObj, firstStr, getPath, type Obj } from '../util';

function endpoint(e: unknown, role: ObservableRole, obs: ObservableCollector): void {
  const ep = asObj(e);
  if (!ep) return;
  obs.ip(ep.ip, role);
  obs.hostOrIp(firstStr(ep.hostname, ep.name), role);
  obs.domain(ep.domain, role);
}

function file(f: unknown, obs: ObservableCollector): void {
  const fo = asObj(f);
  if (!fo) return;
  obs.file(firstStr(fo.path, fo.name), 'related');
  for (const h of asArr(fo.hashes)) obs.hash(asObj(h)?.value, 'related');
}

// observables[].type_id: 1 hostname, 2 IP, 4 user name, 5 e-mail, 6 URL, 7 file name, 8 hash, 20 ...
const OBS_TYPES: Record<number, 'host' | 'ip' | 'user' | 'email' | 'url' | 'file' | 'hash'> = {
  1: 'host', 2: 'ip', 4: 'user', 5: 'email', 6: 'url', 7: 'file', 8: 'hash',
};

export const ocsf: JsonFormat = {
  id: 'ocsf',
  label: 'OCSF event or finding',
  example: JSON.stringify({
    class_uid: 2004, class_name: 'Detection Finding', severity_id: 4, time: 1714557600123,
    finding_info: { uid: 'f-123', title: 'Suspicious login from a new country', created_time: 1714557600123 },
    src_endpoint: { ip: '203.0.113.9' }, actor: { user: { name: 'alice' } }, metadata: { version: '1.1.0', product: { name: 'Acme' } },
  }),
  keys: ['class_uid'],
  detect: (o) => 'class_uid' in o && ('severity_id' in o || 'category_uid' in o),
  parse: (o: Obj, ctx) => {
    const obs = newObs();
    endpoint(o.src_endpoint, 'source', obs);
    endpoint(o.dst_endpoint, 'destination', obs);
    endpoint(o.device, 'target', obs);
    obs.user(firstStr(getPath(o, 'actor.user.name'), getPath(o, 'actor.user.email_addr')), 'actor');
    obs.user(getPath(o, 'user.name'), 'target');
    file(o.file, obs);
    for (const ev of asArr(o.evidences)) {
      const e = asObj(ev);
      if (!e) continue;
      endpoint(e.src_endpoint, 'source', obs);
      endpoint(e.dst_endpoint, 'destination', obs);
      file(e.file, obs);
      obs.url(getPath(e, 'url.url_string'), 'related');
    }
    for (const ob of asArr(o.observables)) {
      const x = asObj(ob);
      const type = OBS_TYPES[Number(x?.type_id)];
      if (x && type) obs.add(type === 'hash' ? 'hash:sha256' : type, x.value, 'related');
    }
    const fi = asObj(o.finding_info) ?? asObj(o.finding);
    const status = firstStr(o.status)?.toLowerCase();
    return buildAlert({
      source: 'ocsf',
      id: firstStr(fi?.uid, getPath(o, 'metadata.uid')),
      title: firstStr(fi?.title, o.message, o.activity_name, o.class_name),
      titleFields: 'finding_info.title, message, activity_name, class_name',
      description: firstStr(fi?.desc, o.message),
      severity: sev(severityOcsf, o.severity_id),
      time: firstTime(ctx, [fi?.created_time, 'finding_info.created_time'], [o.time, 'time'], [o.time_dt, 'time_dt']),
      status: status === 'resolved' || o.status_id === 4 ? 'resolved' : status === 'new' || o.status_id === 1 ? 'firing' : undefined,
      rule: { id: firstStr(getPath(o, 'finding_info.analytic.uid'), o.class_uid), name: firstStr(getPath(o, 'finding_info.analytic.name'), o.class_name) },
      obs,
      raw: o,
    }, ctx);
  },
};
