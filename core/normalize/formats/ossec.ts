// OSSEC / Wazuh alerts.log: multi-line text records, each starting with "** Alert <epoch>.<offset>:".
//   ** Alert 1571166477.30198: - syslog,sshd,invalid_login,
//   2019 Oct 15 21:09:56 (agent) any->/var/log/secure
//   Rule: 5710 (level 5) -> 'sshd: Attempt to login using a non-existent user'
//   Src IP: 203.0.113.18
//   <the original log line(s)>
import type { NormalizedAlert } from '../../model/types';
import type { BlockFormat, Ctx } from '../alert';
import { buildAlert, newObs, sev } from '../alert';
import { AlertFormatError } from '../errors';
import { severityWazuhLevel } from '../severity';
import { formatUtc } from '../time';
import { addAuthUser, parseSyslogHeader } from './syslog';

const HEAD_RE = /^\*\* Alert (\d{9,11})\.(\d+):/;
const RULE_RE = /^Rule: (\d+) \(level (\d+)\) -> '(.*)'\s*$/;
const LOCATION_RE = /^\d{4} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} (.*)$/;

function parseRecord(lines: string[], ctx: Ctx): NormalizedAlert {
  const head = HEAD_RE.exec(lines[0]);
  if (!head) throw new AlertFormatError('bad-record', 'OSSEC alert does not start with "** Alert <id>:"');
  const obs = newObs();
  let rule: RegExpExecArray | null = null;
  const logLines: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (i === 1) {
      // "(agent) ip->location" for agents, "host->location" for the manager itself.
      const loc = LOCATION_RE.exec(line);
      if (loc) {
        const where = loc[1];
        const agent = /^\(([^)]+)\)\s+(\S+?)->/.exec(where);
        if (agent) {
          obs.host(agent[1], 'target');
          if (agent[2] !== 'any') obs.ip(agent[2], 'target');
        } else {
          const mgr = /^(\S+?)->/.exec(where);
          if (mgr) obs.hostOrIp(mgr[1], 'target');
        }
        continue;
      }
    }
    const rm = RULE_RE.exec(line);
    if (rm && !rule) { rule = rm; continue; }
    const kv = /^(Src IP|Dst IP|Src Port|Dst Port|User|Src User|Dst User): (.*)$/.exec(line);
    if (kv) {
      const v = kv[2].trim();
      if (kv[1] === 'Src IP') obs.ip(v, 'source');
      else if (kv[1] === 'Dst IP') obs.ip(v, 'destination');
      else if (kv[1] === 'User' || kv[1] === 'Dst User') obs.user(v, 'target');
      else if (kv[1] === 'Src User') obs.user(v, 'actor');
      continue;
    }
    logLines.push(line);
  }
  if (!rule) throw new AlertFormatError('bad-record', `OSSEC alert ${head[1]}.${head[2]} has no "Rule: <id> (level <n>) -> '<description>'" line`);
  const log = logLines.join('\n').trim();
  for (const l of logLines) {
    // The original syslog line names the host that logged it.
    const h = parseSyslogHeader(l, ctx.now);
    if (h.host) obs.hostOrIp(h.host, 'target');
    addAuthUser(l, obs);
  }
  obs.text(log);
  return buildAlert({
    source: 'ossec',
    id: `${head[1]}.${head[2]}`,
    title: rule[3],
    description: log || undefined,
    severity: sev(severityWazuhLevel, Number(rule[2])),
    // The header date is manager-local with no zone; the alert id starts with the epoch seconds.
    time: { iso: formatUtc(Number(head[1]) * 1000), rule: 'source' },
    rule: { id: rule[1], name: rule[3] },
    obs,
    raw: lines.join('\n'),
  }, ctx);
}

export function parseOssecText(text: string, ctx: Ctx): NormalizedAlert[] {
  const out: NormalizedAlert[] = [];
  let cur: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('** Alert ')) {
      if (cur) out.push(parseRecord(cur, ctx));
      cur = [line];
    } else if (cur && line.trim() !== '') {
      cur.push(line);
    } else if (!cur && line.trim() !== '') {
      throw new AlertFormatError('bad-record', 'OSSEC alerts.log text must start with "** Alert <id>:"');
    }
  }
  if (cur) out.push(parseRecord(cur, ctx));
  return out;
}

export const ossec: BlockFormat = {
  id: 'ossec',
  label: 'OSSEC / Wazuh alerts.log (text)',
  example: [
    '** Alert 1714557600.1234: - syslog,sshd,authentication_failed,',
    '2024 May 01 10:00:00 (web-1) 10.0.0.8->/var/log/auth.log',
    "Rule: 5716 (level 5) -> 'sshd: authentication failed.'",
    'Src IP: 203.0.113.9',
    'User: root',
    'May  1 10:00:00 web-1 sshd[812]: Failed password for root from 203.0.113.9 port 50022 ssh2',
  ].join('\n'),
  detectText: (first) => first.startsWith('** Alert '),
  parseText: parseOssecText,
};
