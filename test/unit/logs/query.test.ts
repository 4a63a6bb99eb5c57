import assert from 'node:assert/strict';
import { buildLogQuery, containsValue, QueryError, parseTypes, parseRoles, logsRecord, describeResult } from '../../../core/logs';
import { incident, alert, observable } from '../../helpers/fixtures';

describe('log-fetch query from the incident', () => {
  const inc = () => incident({
    firstSeenAt: '2026-03-01T10:00:00.000Z', lastSeenAt: '2026-03-01T10:30:00.000Z',
    observables: [observable('ip', '198.51.100.7', ['source']), observable('host', 'web-01', ['target']), observable('user', 'alice', ['actor']), observable('ip', '10.0.0.5', ['destination'])],
  });

  it('spans from minutes before the first alert to minutes after the last', () => {
    const q = buildLogQuery(inc(), { beforeMinutes: 15, afterMinutes: 5 });
    assert.equal(q.from, '2026-03-01T09:45:00.000Z');
    assert.equal(q.to, '2026-03-01T10:35:00.000Z');
    const d = buildLogQuery(inc());
    assert.equal(d.from, '2026-03-01T09:00:00.000Z');
    assert.equal(d.to, '2026-03-01T11:00:00.000Z');
    assert.equal(d.limit, 100);
    const at = buildLogQuery(inc(), { at: '2026-03-02T00:00:00Z', beforeMinutes: 1, afterMinutes: 1 });
    assert.deepEqual([at.from, at.to], ['2026-03-01T23:59:00.000Z', '2026-03-02T00:01:00.000Z']);
  });

  it('searches around now, never in the future, for an alert dated ahead (a fast clock, 9999-12-31)', () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const ahead = buildLogQuery(incident({ ...inc(), firstSeenAt: '2026-03-01T11:50:00.000Z', lastSeenAt: '9999-12-31T23:59:59.000Z' }), { now, beforeMinutes: 30, afterMinutes: 30 });
    assert.deepEqual([ahead.from, ahead.to], ['2026-03-01T11:20:00.000Z', '2026-03-01T12:30:00.000Z']);
    const all = buildLogQuery(incident({ ...inc(), firstSeenAt: '9999-12-31T23:59:59.000Z', lastSeenAt: '9999-12-31T23:59:59.000Z' }), { now, beforeMinutes: 30, afterMinutes: 30 });
    assert.deepEqual([all.from, all.to], ['2026-03-01T11:30:00.000Z', '2026-03-01T12:30:00.000Z']);
  });

  it('searches the observables of the chosen types and roles, once each, plus extra values', () => {
    assert.deepEqual(buildLogQuery(inc()).observables.map((o) => o.value), ['198.51.100.7', 'web-01', 'alice', '10.0.0.5']);
    assert.deepEqual(buildLogQuery(inc(), { types: ['ip'] }).observables.map((o) => o.value), ['198.51.100.7', '10.0.0.5']);
    assert.deepEqual(buildLogQuery(inc(), { types: ['ip'], roles: ['source'] }).observables.map((o) => o.value), ['198.51.100.7']);
    assert.deepEqual(buildLogQuery(inc(), { types: ['user'], values: ['evil.example', 'alice', 'x'] }).observables, [{ type: 'user', value: 'alice' }, { type: 'term', value: 'evil.example' }]);
    assert.equal(buildLogQuery(inc(), { maxObservables: 2 }).observables.length, 2);
  });

  it('refuses bad options in words, and says when there is nothing to search for', () => {
    assert.throws(() => buildLogQuery(inc(), { limit: 0 }), /limit must be a whole number from 1 to 10000/);
    assert.throws(() => buildLogQuery(inc(), { limit: 1e9 }), /limit/);
    assert.throws(() => buildLogQuery(inc(), { beforeMinutes: -1 }), /minutes before/);
    assert.throws(() => buildLogQuery(inc(), { at: 'yesterday' }), /window time is not a date/);
    assert.throws(() => parseTypes('ip, mac'), /unknown observable type mac/);
    assert.throws(() => parseRoles('attacker'), /unknown observable role attacker/);
    assert.deepEqual(parseTypes(['ip', 'user']), ['ip', 'user']);
    const empty = incident({ observables: [] });
    assert.throws(() => buildLogQuery(empty), (e: unknown) => e instanceof QueryError && e.code === 'nothing-to-search');
    assert.deepEqual(buildLogQuery(empty, { terms: ['sshd'] }).terms, ['sshd']);
    assert.ok(alert());
  });

  it('matches values as whole tokens; names and hashes without regard to case', () => {
    assert.ok(containsValue('from 10.0.0.1 port', { type: 'ip', value: '10.0.0.1' }));
    assert.ok(!containsValue('from 10.0.0.15 port', { type: 'ip', value: '10.0.0.1' }));
    assert.ok(!containsValue('from 110.0.0.1 port', { type: 'ip', value: '10.0.0.1' }));
    assert.ok(containsValue('user=ADMIN', { type: 'user', value: 'admin' }));
    assert.ok(!containsValue('user=administrator', { type: 'user', value: 'admin' }));
    assert.ok(!containsValue('path /USR/BIN/SUDO', { type: 'file', value: '/usr/bin/sudo' }));
    assert.ok(containsValue('x " OR * y', { type: 'term', value: '" OR *' }));
  });

  it('keeps the first events in the incident with the total, and describes the counts', () => {
    const q = buildLogQuery(inc(), { types: ['ip'] });
    const events = Array.from({ length: 5 }, (_, i) => ({ source: 'f', message: `m${i}` }));
    const logs = logsRecord({ events, total: 5, totalExact: true, truncated: false, counts: { '198.51.100.7': 5, '10.0.0.5': 0 }, query: 'q' }, 'files', q, new Date('2026-03-01T12:00:00Z'), 3);
    assert.equal(logs.events.length, 3);
    assert.equal(logs.total, 5);
    assert.equal(logs.truncated, true);
    assert.equal(describeResult(logs), '5 log event(s) from files, 3 attached (198.51.100.7: 5, 10.0.0.5: 0)');
  });
});
