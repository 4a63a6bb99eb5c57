import assert from 'node:assert/strict';
import { newId } from '../../core/model/id';
import { joinAlert, markAcknowledged, mergeObservables, setStatus } from '../../core/model/incident';
import { redact, redactText, REDACTED } from '../../core/model/redact';
import { appendTimeline } from '../../core/model/timeline';
import { alert, incident, observable } from '../helpers/fixtures';

describe('incident model', () => {
  describe('newId', () => {
    it('makes 26-character ULIDs that sort by creation time', () => {
      const ids = [newId(1_700_000_000_000), newId(1_700_000_000_000), newId(1_700_000_000_001), newId(1_800_000_000_000)];
      for (const id of ids) assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.deepEqual([...ids].sort(), ids);
      assert.equal(new Set(ids).size, ids.length);
    });

    it('stays unique and ordered for many ids in one millisecond', () => {
      const ids = Array.from({ length: 5000 }, () => newId(1_900_000_000_000));
      assert.equal(new Set(ids).size, 5000);
      assert.deepEqual([...ids].sort(), ids);
    });
  });

  describe('redact', () => {
    it('hides values under secret-looking keys and inline credentials', () => {
      const out = redact({
        channel: '#soc', token: 'xoxb-123', nested: { apiKey: 'k', password: 'p', list: [{ secret: 's' }] },
        header: 'Authorization: Bearer abcdefghijkl', routing_key: 'R0UT1NG', missingCredentials: ['token'],
        hashedPassword: 'h', hasToken: true,
      });
      assert.deepEqual(out, {
        channel: '#soc', token: REDACTED, nested: { apiKey: REDACTED, password: REDACTED, list: [{ secret: REDACTED }] },
        header: `Authorization: Bearer ${REDACTED}`, routing_key: REDACTED, missingCredentials: ['token'],
        hashedPassword: REDACTED, hasToken: true,
      });
    });
  });

  describe('timeline', () => {
    it('appends stamped, redacted entries', () => {
      const inc = incident();
      const entry = appendTimeline(inc, {
        node: { type: 'ir-slack-notify', id: 'n1', name: '' }, action: 'notify', outcome: 'dry-run',
        summary: 'would post with Bearer supersecrettoken', details: { token: 'xoxb-secret', channel: '#soc' },
        at: new Date('2026-03-01T10:05:00Z'),
      });
      assert.equal(inc.timeline.at(-1), entry);
      assert.equal(entry.at, '2026-03-01T10:05:00.000Z');
      assert.deepEqual(entry.node, { type: 'ir-slack-notify', id: 'n1' });
      assert.equal(entry.summary, `would post with Bearer ${REDACTED}`);
      assert.deepEqual(entry.details, { token: REDACTED, channel: '#soc' });
    });
  });

  describe('joining alerts', () => {
    it('counts, widens the time range, raises severity and merges observables', () => {
      const inc = incident();
      joinAlert(inc, alert({ severity: 'critical', timestamp: '2026-03-01T10:07:00.000Z', observables: [observable('ip', '198.51.100.7', ['destination']), observable('user', 'root')] }));
      joinAlert(inc, alert({ severity: 'low', timestamp: '2026-03-01T09:59:00.000Z' }));
      assert.equal(inc.alertCount, 3);
      assert.equal(inc.severity, 'critical');
      assert.equal(inc.firstSeenAt, '2026-03-01T09:59:00.000Z');
      assert.equal(inc.lastSeenAt, '2026-03-01T10:07:00.000Z');
      const ip = inc.observables.find((o) => o.value === '198.51.100.7');
      assert.deepEqual(ip?.roles, ['source', 'destination']);
      assert.ok(inc.observables.some((o) => o.type === 'user' && o.value === 'root'));
    });

    it('keeps only the newest alerts but counts all of them', () => {
      const inc = incident();
      for (let i = 0; i < 10; i++) joinAlert(inc, alert({ id: `a${i}` }), 3);
      assert.equal(inc.alertCount, 11);
      assert.deepEqual(inc.alerts.map((a) => a.id), ['a7', 'a8', 'a9']);
    });

    it('does not share observable objects with the alert', () => {
      const source = [observable('ip', '203.0.113.9', ['source'])];
      const into = [observable('host', 'db')];
      mergeObservables(into, source);
      into[1].roles.push('target');
      assert.deepEqual(source[0].roles, ['source']);
    });
  });

  describe('status milestones', () => {
    it('records the time to acknowledge, contain and resolve once', () => {
      const inc = incident();
      const created = Date.parse(inc.createdAt);
      setStatus(inc, 'contained', new Date(created + 60_000));
      setStatus(inc, 'acknowledged', new Date(created + 90_000));
      setStatus(inc, 'closed', new Date(created + 120_000));
      assert.equal(inc.metrics.timeToAcknowledgeMs, 60_000);
      assert.equal(inc.metrics.timeToContainMs, 60_000);
      assert.equal(inc.metrics.timeToResolveMs, 120_000);
      const uncontained = incident();
      setStatus(uncontained, 'resolved', new Date(created + 30_000));
      assert.equal(uncontained.metrics.timeToContainMs, undefined, 'resolved without a containment');
      assert.equal(uncontained.metrics.timeToAcknowledgeMs, undefined, 'resolved by the playbook, no person');
      const auto = incident();
      setStatus(auto, 'acknowledged', new Date(created + 5));
      assert.equal(auto.metrics.timeToAcknowledgeMs, undefined, 'a framework\'s automatic status is not a person');
      markAcknowledged(auto, new Date(created + 45_000));
      markAcknowledged(auto, new Date(created + 99_000));
      assert.equal(auto.metrics.timeToAcknowledgeMs, 45_000, 'the first person counts');
      assert.equal(inc.status, 'closed');
    });
  });
});

describe('inline credentials in text', () => {
  it('masks what follows Bearer and SSWS always, and Basic/Splunk only when it looks like a credential, not prose', () => {
    assert.equal(redactText('Authorization: Bearer supersecrettoken'), `Authorization: Bearer ${REDACTED}`);
    assert.equal(redactText('SSWS abcdefghij'), `SSWS ${REDACTED}`);
    assert.equal(redactText('Authorization: Basic dXNlcjpwYXNz'), `Authorization: Basic ${REDACTED}`);
    assert.equal(redactText('Splunk 3f2a9c1e-7b44-4f0e-9d2a-000000000001'), `Splunk ${REDACTED}`);
    // Words, not tokens: an error message stays readable.
    assert.equal(redactText('Splunk refused the token (401)'), 'Splunk refused the token (401)');
    assert.equal(redactText('Basic authentication is off'), 'Basic authentication is off');
  });
});
