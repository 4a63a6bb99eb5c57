// Okta System Log events. Severity DEBUG/INFO low, WARN medium, ERROR high.
import type { JsonFormat } from '../alert';
import { buildAlert, firstTime, newObs, sev } from '../alert';
import { severityFromWord } from '../severity';
import { asArr, asObj, firstStr, getPath } from '../util';

export const okta: JsonFormat = {
  id: 'okta',
  label: 'Okta System Log event',
  example: JSON.stringify({
    uuid: '2a992f80-d1ad-4f62-900e-8c68bb72a21b', published: '2024-05-01T10:00:00.123Z', eventType: 'user.session.start',
    severity: 'WARN', displayMessage: 'User login to Okta', actor: { type: 'User', alternateId: 'alice@example.com' },
    client: { ipAddress: '203.0.113.9' }, outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
  }),
  keys: ['uuid'],
  detect: (o) => 'uuid' in o && 'eventType' in o && 'published' in o,
  parse: (o, ctx) => {
    const obs = newObs();
    obs.user(getPath(o, 'actor.alternateId'), 'actor');
    obs.ip(getPath(o, 'client.ipAddress'), 'source');
    for (const hop of asArr(getPath(o, 'request.ipChain'))) obs.ip(asObj(hop)?.ip, 'source');
    for (const t of asArr(o.target)) {
      const tt = asObj(t);
      if (tt && String(tt.type ?? '').toLowerCase() === 'user') obs.user(tt.alternateId, 'target');
    }
    const eventType = firstStr(o.eventType);
    const result = firstStr(getPath(o, 'outcome.result'));
    const reason = firstStr(getPath(o, 'outcome.reason'));
    const outcome = result ? `outcome ${result}${reason ? ` (${reason})` : ''}` : undefined;
    return buildAlert({
      source: 'okta',
      id: firstStr(o.uuid),
      title: firstStr(o.displayMessage, eventType),
      titleFields: 'displayMessage, eventType',
      description: [eventType, outcome].filter(Boolean).join(': '),
      severity: sev(severityFromWord, o.severity),
      time: firstTime(ctx, [o.published, 'published']),
      rule: eventType ? { id: eventType, name: eventType } : undefined,
      obs,
      raw: o,
    }, ctx);
  },
};
