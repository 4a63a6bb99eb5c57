// Splunk webhook alert action: {sid, search_name, results_link, owner, app, result: {first row}}.
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { severityFrom0to10, severityFromWord } from '../severity';
import { asObj, firstStr } from '../util';

export const splunk: JsonFormat = {
  id: 'splunk',
  label: 'Splunk webhook alert action',
  example: JSON.stringify({
    sid: 'scheduler__admin__search__RMD5_at_1714557600_42', search_name: 'Brute force from single source',
    app: 'search', owner: 'admin', results_link: 'https://splunk.example.com:8000/app/search/@go?sid=x',
    result: { src: '203.0.113.7', user: 'alice', count: '31', _time: '1714557600' },
  }),
  keys: ['sid'],
  detect: (o) => 'sid' in o && ('results_link' in o || 'search_name' in o),
  parse: (o, ctx) => {
    const r = asObj(o.result) ?? {};
    const obs = newObs();
    for (const k of ['src', 'src_ip', 'source_ip', 'clientip']) obs.ip(r[k], 'source');
    for (const k of ['dest', 'dest_ip', 'dst', 'dst_ip']) obs.hostOrIp(r[k], 'destination');
    for (const k of ['user', 'src_user', 'username']) obs.user(r[k], 'actor');
    obs.user(r.dest_user, 'target');
    for (const k of ['host', 'dest_host', 'src_host', 'ComputerName']) obs.hostOrIp(r[k], 'related');
    obs.url(r.url, 'related');
    obs.domain(r.query ?? r.domain, 'related');
    for (const k of ['file_hash', 'hash', 'md5', 'sha1', 'sha256']) obs.hash(r[k], 'related');
    obs.file(r.file_path, 'related');
    const sevRaw = r.severity ?? r.urgency;
    const severity = sev(severityFromWord, sevRaw) ?? sev(severityFrom0to10, sevRaw);
    const name = firstStr(o.search_name);
    return buildAlert({
      source: 'splunk',
      id: firstStr(o.sid),
      // search_name is null for ad-hoc searches: the search id is the only name then.
      title: firstStr(o.search_name, o.sid),
      titleFields: 'search_name, sid',
      severity,
      time: firstTime(ctx, [r._time, 'result._time']),
      rule: name ? { name } : undefined,
      obs,
      raw: o,
    }, ctx);
  },
};
