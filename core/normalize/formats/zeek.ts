// Zeek logs: TSV with "#" header lines (notice.log and others), and the JSON writer's records.
import type { NormalizedAlert } from '../../model/types';
import type { BlockFormat, Ctx, JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs } from '../alert';
import { AlertFormatError } from '../errors';
import { firstStr, getPath, isObj, type Obj } from '../util';

function unescapeZeek(s: string): string {
  return s.indexOf('\\x') === -1 ? s : s.replace(/\\x([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** One Zeek record (TSV row turned into an object, or a JSON record) as an alert. */
function zeekAlert(rec: Obj, path: string | undefined, ctx: Ctx, raw: unknown): NormalizedAlert {
  const g = (k: string): unknown => getPath(rec, k);
  const obs = newObs();
  obs.ip(g('id.orig_h'), 'source');
  obs.ip(g('id.resp_h'), 'destination');
  obs.ip(g('src'), 'source');
  obs.ip(g('dst'), 'destination');
  // msg and sub are free text (sub may list sampled servers); email_dest / email-dest are the
  // notification recipients and are deliberately not read.
  obs.text(g('msg'));
  obs.text(g('sub'));
  obs.domain(g('query'), 'related');
  for (const h of ['md5', 'sha1', 'sha256']) obs.hash(g(h), 'related');
  const note = firstStr(g('note'));
  const name = firstStr(g('name'));
  const title = firstStr(note, name, g('seen.indicator')) ?? `Zeek ${path ?? 'log'} record`;
  return buildAlert({
    source: 'zeek',
    title,
    description: firstStr(g('msg')),
    time: firstTime(ctx, [g('ts'), 'ts']),
    rule: note || name ? { name: note ?? name } : undefined,
    obs,
    raw,
  }, ctx);
}

export function parseZeekTsv(text: string, ctx: Ctx): NormalizedAlert[] {
  let sep = '\t';
  let setSep = ',';
  let empty = '(empty)';
  let unset = '-';
  let path: string | undefined;
  let fields: string[] | undefined;
  const out: NormalizedAlert[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line === '') continue;
    if (line[0] === '#') {
      if (line.startsWith('#separator')) {
        sep = unescapeZeek(line.slice('#separator'.length).trim()) || '\t';
        continue;
      }
      const parts = line.split(sep);
      const key = parts[0];
      const val = parts.slice(1);
      if (key === '#set_separator') setSep = unescapeZeek(val[0] ?? ',');
      else if (key === '#empty_field') empty = val[0] ?? empty;
      else if (key === '#unset_field') unset = val[0] ?? unset;
      else if (key === '#path') path = val[0];
      else if (key === '#fields') fields = val;
      continue;
    }
    if (!fields) throw new AlertFormatError('bad-record', `Zeek log line ${n + 1} comes before the #fields header`);
    const cols = line.split(sep);
    const rec: Obj = {};
    for (let i = 0; i < fields.length && i < cols.length; i++) {
      const v = cols[i];
      if (v === unset) continue;
      rec[fields[i]] = v === empty ? '' : unescapeZeek(v);
    }
    // Set and vector columns hold setSep-joined values; keep them as arrays in raw.
    for (const k of ['actions', 'email-dest', 'email_dest']) {
      const v = rec[k];
      if (typeof v === 'string') rec[k] = v === '' ? [] : v.split(setSep);
    }
    out.push(zeekAlert(rec, path, ctx, rec));
  }
  if (out.length === 0) throw new AlertFormatError('empty', 'Zeek log has headers but no records');
  return out;
}

export const zeekTsv: BlockFormat = {
  id: 'zeek',
  label: 'Zeek notice.log (TSV or JSON)',
  example: [
    '#separator \\x09', '#path\tnotice', '#fields\tts\tuid\tid.orig_h\tnote\tmsg\tsrc',
    '#types\ttime\tstring\taddr\tenum\tstring\taddr',
    '1714557600.123456\t-\t-\tScan::Port_Scan\t203.0.113.5 scanned at least 15 unique ports\t203.0.113.5',
  ].join('\n'),
  detectText: (first) => first.startsWith('#separator') || first.startsWith('#fields'),
  parseText: parseZeekTsv,
};

export const zeekJson: JsonFormat = {
  id: 'zeek',
  label: 'Zeek notice.log (TSV or JSON)',
  example: JSON.stringify({ ts: 1714557600.123456, note: 'Scan::Port_Scan', msg: '203.0.113.5 scanned at least 15 unique ports', src: '203.0.113.5', actions: ['Notice::ACTION_LOG'] }),
  keys: ['ts'],
  detect: (o) => 'ts' in o && ('note' in o || 'uid' in o || 'id.orig_h' in o || (isObj(o.id) && 'orig_h' in o.id)),
  parse: (o, ctx) => zeekAlert(o, undefined, ctx, o),
};
