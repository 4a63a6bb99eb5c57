import assert from 'node:assert/strict';
import { canJoin, defaultDedupKey, ingestAlert, mainObservable } from '../../core/intake/ingest';
import { KeyValueIncidentStore, MemoryBackend } from '../../core/store/keyvalue';
import { alert, observable } from '../helpers/fixtures';

const node = { type: 'ir-alert-in', id: 'in1' };

describe('alert intake: grouping and resolutions', () => {
  let store: KeyValueIncidentStore;
  beforeEach(() => {
    store = new KeyValueIncidentStore(new MemoryBackend());
  });

  it('keys by source, rule and the main observable', () => {
    assert.equal(defaultDedupKey(alert()), 'wazuh|5712|ip:198.51.100.7');
    const noRule = alert({ rule: undefined, title: 'Disk full', observables: [observable('host', 'db-2')] });
    assert.equal(defaultDedupKey(noRule), 'wazuh|Disk full|host:db-2');
    assert.equal(mainObservable(alert({ observables: [observable('host', 'h'), observable('user', 'eve', ['actor'])] }))?.value, 'eve');
    assert.equal(defaultDedupKey(alert({ observables: [] })), 'wazuh|5712|-');
  });

  it('opens an incident, then groups a re-delivery into it', async () => {
    const first = await ingestAlert(store, alert({ id: 'x' }), { node });
    assert.equal(first.outcome, 'new');
    const again = await ingestAlert(store, alert({ id: 'x' }), { node });
    assert.equal(again.outcome, 'duplicate');
    if (first.outcome !== 'new' || again.outcome !== 'duplicate') return;
    assert.equal(again.incident.id, first.incident.id);
    assert.equal(again.incident.alertCount, 1);
    assert.deepEqual(again.incident.timeline.map((e) => e.action), ['incident-opened', 'alert-redelivered']);
  });

  it('says in the timeline when an alert names more observables than the cap keeps', async () => {
    const many = alert({ observables: Array.from({ length: 12 }, (_, i) => observable('ip', `203.0.113.${i}`)) });
    const opened = await ingestAlert(store, many, { node, maxObservables: 5 });
    if (opened.outcome !== 'new') throw new Error('expected a new incident');
    assert.equal(opened.incident.observables.length, 5);
    const entry = opened.incident.timeline[0]!;
    assert.match(entry.summary, /; 7 more observables beyond the cap of 5 were left out$/);
    assert.equal(entry.details?.observablesLeftOut, 7);
  });

  it('folds a storm of re-deliveries into one counted entry, so the incident stays small', async () => {
    const first = await ingestAlert(store, alert({ id: 'storm' }), { node });
    for (let i = 0; i < 200; i++) await ingestAlert(store, alert({ id: 'storm' }), { node });
    const stored = (await store.get(first.outcome === 'new' ? first.incident.id : ''))!;
    assert.deepEqual(stored.timeline.map((e) => e.action), ['incident-opened', 'alert-redelivered']);
    const folded = stored.timeline[1]!;
    assert.equal(folded.details?.count, 200);
    assert.equal(folded.details?.firstAt, folded.at);
    assert.match(folded.summary, /delivered again \(1 alert\) \(200 times since /);
    // A step in between does not split the count (a storm's cycle interleaves steps)...
    await ingestAlert(store, alert({ id: 'other', title: 'same key, another alert' }), { node });
    await ingestAlert(store, alert({ id: 'storm' }), { node });
    const after = (await store.get(stored.id))!;
    assert.deepEqual(after.timeline.map((e) => e.action), ['incident-opened', 'alert-redelivered', 'alert-joined']);
    assert.equal(after.timeline[1]!.details?.count, 201);
    // ...but an entry further back than a few steps is left as it was: a new one starts.
    await store.update(stored.id, (inc) => {
      for (let i = 0; i < 6; i++) inc.timeline.push({ at: new Date().toISOString(), node: { type: 'x', id: 'x' }, action: `step-${i}`, outcome: 'ok', summary: 'x' });
    });
    await ingestAlert(store, alert({ id: 'storm' }), { node });
    assert.equal((await store.get(stored.id))!.timeline.at(-1)!.action, 'alert-redelivered');
  });

  it('gives one incident for identical webhooks arriving at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => ingestAlert(store, alert(), { node })));
    assert.equal(results.filter((r) => r.outcome === 'new').length, 1);
    assert.equal((await store.list()).length, 1);
  });

  it('opens a new incident outside the window or after the incident was closed', async () => {
    const first = await ingestAlert(store, alert({ timestamp: '2026-03-01T10:00:00.000Z' }), { node, windowMs: 60_000 });
    const late = await ingestAlert(store, alert({ timestamp: '2026-03-01T10:05:00.000Z' }), { node, windowMs: 60_000 });
    assert.equal(first.outcome, 'new');
    assert.equal(late.outcome, 'new');
    if (late.outcome !== 'new') return;
    assert.equal(canJoin({ ...late.incident, status: 'closed' }, alert({ timestamp: '2026-03-01T10:05:30.000Z' }), 60_000), false);
    assert.equal(canJoin(late.incident, alert({ timestamp: '2026-03-01T10:05:30.000Z' }), 60_000), true);
  });

  it('records a resolution on the open incident and never opens one for it', async () => {
    const unmatched = await ingestAlert(store, alert({ status: 'resolved' }), { node });
    assert.equal(unmatched.outcome, 'resolved-unmatched');
    assert.equal((await store.list()).length, 0);

    await ingestAlert(store, alert({ status: 'firing' }), { node });
    const resolved = await ingestAlert(store, alert({ status: 'resolved', timestamp: '2026-03-01T12:00:00.000Z' }), { node });
    assert.equal(resolved.outcome, 'resolved');
    if (resolved.outcome !== 'resolved') return;
    assert.equal(resolved.incident.timeline.at(-1)?.action, 'source-resolved');
    // Recorded; the status is the playbook's and the analysts' to change.
    assert.equal(resolved.incident.status, 'open');
    assert.match(resolved.incident.timeline.at(-1)!.summary, /reports the problem resolved; the incident stays open until the playbook or an analyst resolves it/);
    assert.equal((await store.list()).length, 1);

    // The same notice delivered again is folded into the entry, not counted as another alert.
    const again = await ingestAlert(store, alert({ status: 'resolved', timestamp: '2026-03-01T12:00:00.000Z' }), { node });
    if (again.outcome !== 'resolved') throw new Error('expected resolved');
    assert.equal(again.incident.alertCount, resolved.incident.alertCount);
    assert.equal(again.incident.alerts.length, resolved.incident.alerts.length);
    assert.equal(again.incident.timeline.length, resolved.incident.timeline.length);
    assert.equal(again.incident.timeline.at(-1)?.details?.count, 2);
  });

  it('a resolution never withdraws a step held for approval, and says it still waits', async () => {
    const opened = await ingestAlert(store, alert({ status: 'firing' }), { node });
    if (opened.outcome !== 'new') throw new Error('expected a new incident');
    await store.update(opened.incident.id, (inc) => {
      inc.holds.push({ id: 'h1', gate: { type: 'ir-phase-gate', id: 'g' }, phase: 'containment-eradication-recovery', state: 'pending', createdAt: inc.createdAt, expiresAt: '2999-01-01T00:00:00.000Z', tokens: [] });
    });
    const resolved = await ingestAlert(store, alert({ status: 'resolved', timestamp: '2026-03-01T12:00:00.000Z' }), { node });
    if (resolved.outcome !== 'resolved') throw new Error('expected resolved');
    assert.equal(resolved.incident.status, 'open');
    assert.equal(resolved.incident.holds[0]!.state, 'pending');
    assert.match(resolved.incident.timeline.at(-1)!.summary, /stays open and 1 step\(s\) held for approval still wait for a person/);
  });

  it('uses a custom dedup key when given', async () => {
    await ingestAlert(store, alert({ observables: [observable('ip', '203.0.113.1')] }), { node, dedupKey: 'storm' });
    const joined = await ingestAlert(store, alert({ observables: [observable('ip', '203.0.113.2')] }), { node, dedupKey: 'storm' });
    assert.equal(joined.outcome, 'duplicate');
  });

  it('groups a re-delivery and a storm into a resolved incident, but opens a new one for an escalation', async () => {
    const first = await ingestAlert(store, alert({ id: 'evt-1' }), { node });
    if (first.outcome !== 'new') throw new Error('expected a new incident');
    await store.update(first.incident.id, (inc) => { inc.status = 'resolved'; });
    const redelivered = await ingestAlert(store, alert({ id: 'evt-1' }), { node });
    assert.equal(redelivered.outcome, 'duplicate');
    // Same content, no source id: still the same alert.
    const sameContent = await ingestAlert(store, alert({ id: 'generated-2' }), { node });
    assert.equal(sameContent.outcome, 'duplicate');
    // ...but the same content at a higher severity is no re-delivery: a pre-sent low copy cannot
    // swallow the critical alert (it opens its own incident, and the playbook runs for it).
    const sameButCritical = await ingestAlert(store, alert({ id: 'REAL-1', severity: 'critical' }), { node });
    assert.equal(sameButCritical.outcome, 'new');
    if (sameButCritical.outcome === 'new') await store.update(sameButCritical.incident.id, (inc) => { inc.status = 'closed'; });
    // The storm of the same alert joins the resolved incident; an escalation opens a new one.
    const storm = await ingestAlert(store, alert({ id: 'evt-3', timestamp: '2026-03-01T10:00:30.000Z' }), { node });
    assert.equal(storm.outcome, 'duplicate');
    const escalated = await ingestAlert(store, alert({ id: 'evt-2', severity: 'critical', timestamp: '2026-03-01T10:01:00.000Z' }), { node });
    assert.equal(escalated.outcome, 'new');
    if (escalated.outcome !== 'new') return;
    assert.notEqual(escalated.incident.id, first.incident.id);
    assert.equal(escalated.incident.severity, 'critical');
  });

  it('finds an older incident of the key for a late re-delivery', async () => {
    const a = await ingestAlert(store, alert({ id: 'A', severity: 'low' }), { node });
    if (a.outcome !== 'new') throw new Error('expected new');
    await store.update(a.incident.id, (inc) => { inc.status = 'resolved'; });
    const b = await ingestAlert(store, alert({ id: 'B', severity: 'critical', timestamp: '2026-03-01T10:02:00.000Z' }), { node });
    assert.equal(b.outcome, 'new');
    const again = await ingestAlert(store, alert({ id: 'A', severity: 'low' }), { node });
    assert.equal(again.outcome, 'duplicate');
    if (again.outcome === 'duplicate') assert.equal(again.incident.id, a.incident.id);
  });
});
