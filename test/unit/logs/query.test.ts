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

  it('says when it searched around now instead of the future the alert is dated in', () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const ahead = buildLogQuery(incident({ ...inc(), lastSeenAt: '9999-12-31T23:59:59.000Z' }), { now });
    assert.deepEqual(ahead.notes, ['the alerts are dated in the future (9999-12-31T23:59:59.000Z): searched around now instead']);
    // Epoch milliseconds in year 5138, as a normalized alert may carry.
    const ms = buildLogQuery(incident({ ...inc(), lastSeenAt: new Date(99999999999999).toISOString() }), { now });
    assert.deepEqual(ms.notes, ['the alerts are dated in the future (5138-11-16T09:46:39.999Z): searched around now instead']);
    const at = buildLogQuery(inc(), { now, at: '2030-01-01T00:00:00Z' });
    assert.deepEqual(at.notes, ['the window time is in the future (2030-01-01T00:00:00.000Z): searched around now instead']);
    assert.equal(buildLogQuery(inc(), { now }).notes, undefined);
    // Moved to now, and said in the record and the timeline line.
    const logs = logsRecord({ events: [], total: 0, totalExact: true, truncated: false, counts: {}, query: 'q' }, 'files', ahead, now);
    assert.deepEqual(logs.notes, ahead.notes);
    assert.equal(describeResult(logs), '0 log event(s) from files; the alerts are dated in the future (9999-12-31T23:59:59.000Z): searched around now instead');
  });

  it('says which values cannot be searched rather than claiming there are none', () => {
    const odd = incident({ observables: [observable('user', '*', ['actor']), observable('user', '(', ['actor'])] });
    assert.throws(() => buildLogQuery(odd, { types: ['user'] }), (e: unknown) => e instanceof QueryError && e.code === 'nothing-to-search'
      && e.message === 'log-fetch: nothing to search for: the values of the chosen types cannot be searched: user "*" (shorter than 2 characters), user "(" (shorter than 2 characters)');
    // With something else to search, the dropped values are noted; a huge one is quoted short.
    const mixed = incident({ observables: [observable('user', '*', ['actor']), observable('user', 'alice', ['actor']), observable('user', 'z'.repeat(2000), ['actor'])] });
    const q = buildLogQuery(mixed, { types: ['user'] });
    assert.deepEqual(q.observables.map((o) => o.value), ['alice']);
    assert.deepEqual(q.notes, [`not searched: user "*" (shorter than 2 characters), user "${'z'.repeat(39)}…" (longer than 1024 characters)`]);
    assert.deepEqual(buildLogQuery(inc(), { maxObservables: 2 }).notes, ['2 more value(s) not searched (at most 2 per search)']);
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
    const events = Array.from({ length: 5 }, (_, i) => ({ time: null, source: 'f', message: `m${i}` }));
    const logs = logsRecord({ events, total: 5, totalExact: true, truncated: false, counts: { '198.51.100.7': 5, '10.0.0.5': 0 }, query: 'q' }, 'files', q, new Date('2026-03-01T12:00:00Z'), 3);
    assert.equal(logs.events.length, 3);
    assert.equal(logs.total, 5);
    assert.equal(logs.truncated, true);
    assert.equal(describeResult(logs), '5 log event(s) from files, 3 attached (198.51.100.7: 5, 10.0.0.5: 0)');
    // Past the limit: total and counts over the same 11 matches, the 10 events returned said apart.
    const ten = Array.from({ length: 10 }, (_, i) => ({ time: null, source: 'f', message: `m${i}` }));
    const over = logsRecord({ events: ten, total: 11, totalExact: false, truncated: true, counts: { '198.51.100.7': 11 }, query: 'q' }, 'files', q, new Date('2026-03-01T12:00:00Z'));
    assert.equal(describeResult(over), 'at least 11 log event(s) from files, 10 attached (198.51.100.7: 11)');
  });
});
