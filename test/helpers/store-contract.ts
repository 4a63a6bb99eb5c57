import assert from 'node:assert/strict';
import { appendTimeline } from '../../core/model/timeline';
import { IncidentNotFoundError, RevisionConflictError, type IncidentStore, type StoredTimer } from '../../core/store/types';
import { incident } from './fixtures';

const node = { type: 'test', id: 't1' };

function timer(id: string, dueAt: Date, overrides: Partial<StoredTimer> = {}): StoredTimer {
  return { id, kind: 'sla', incidentId: '01J00000000000000000000000', nodeId: 'gate-1', dueAt: dueAt.toISOString(), data: { phase: 'containment', list: [], empty: {} }, ...overrides };
}

/**
 * What every IncidentStore promises, run against each backend: the embedded key-value store in
 * `npm test`, Redis in `npm run test:system`. `open` gives a fresh, empty store.
 */
export function describeStoreContract(label: string, open: () => Promise<IncidentStore>): void {
  describe(`incident store contract: ${label}`, () => {
    let store: IncidentStore;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    it('saves a new incident as revision 1 and loads a copy', async () => {
      const saved = await store.save(incident());
      assert.equal(saved.revision, 1);
      const loaded = await store.get(saved.id);
      assert.deepEqual(loaded, saved);
      loaded!.title = 'changed';
      assert.notEqual((await store.get(saved.id))!.title, 'changed');
    });

    it('refuses a save from an old revision', async () => {
      const saved = await store.save(incident());
      await store.save(saved);
      await assert.rejects(store.save(saved), (err: unknown) => err instanceof RevisionConflictError && /revision 1, store has 2/.test(err.message));
      await assert.rejects(store.save({ ...incident(), revision: 3 }), RevisionConflictError);
    });

    it('applies concurrent updates to the latest revision without losing any', async () => {
      const saved = await store.save(incident());
      await Promise.all(Array.from({ length: 25 }, (_, i) => store.update(saved.id, (inc) => {
        appendTimeline(inc, { node, action: `step-${i}`, outcome: 'ok', summary: `step ${i}` });
      })));
      const latest = (await store.get(saved.id))!;
      assert.equal(latest.revision, 26);
      assert.equal(latest.timeline.filter((e) => e.action.startsWith('step-')).length, 25);
    });

    it('saves the fallback when the store does not have the incident, else fails clearly', async () => {
      const given = incident();
      const saved = await store.update(given.id, (inc) => { inc.title = 'from a function node'; }, given);
      assert.equal(saved.revision, 1);
      assert.equal(saved.title, 'from a function node');
      assert.equal((await store.getByDedupKey(given.dedupKey))!.id, given.id);
      await assert.rejects(store.update('01HZZZZZZZZZZZZZZZZZZZZZZZ', () => undefined), IncidentNotFoundError);
    });

    it('creates one incident for many simultaneous alerts with one dedup key', async () => {
      let created = 0;
      const results = await Promise.all(Array.from({ length: 20 }, () => store.upsertByDedupKey(
        'k1',
        () => { created++; return incident({ dedupKey: 'k1' }); },
        (inc) => { inc.alertCount += 1; },
        () => true,
      )));
      assert.equal(created, 1);
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.incident.id)).size, 1);
      assert.equal((await store.getByDedupKey('k1'))!.alertCount, 20);
    });

    it('opens a new incident when the existing one may not be joined, and keeps the old one findable', async () => {
      const first = await store.upsertByDedupKey('k2', () => incident({ dedupKey: 'k2' }), () => undefined, () => true);
      const second = await store.upsertByDedupKey('k2', () => incident({ dedupKey: 'k2' }), () => undefined, () => false);
      assert.equal(second.created, true);
      assert.notEqual(second.incident.id, first.incident.id);
      assert.equal((await store.getByDedupKey('k2'))!.id, second.incident.id);
      // A late alert of the first incident still reaches it through the key's history.
      const late = await store.upsertByDedupKey('k2', () => incident({ dedupKey: 'k2' }), (inc) => { inc.title = 'late'; },
        (inc) => (inc.id === first.incident.id ? 'preferred' : true));
      assert.equal(late.created, false);
      assert.equal(late.incident.id, first.incident.id);
      assert.equal((await store.get(first.incident.id))!.title, 'late');
    });

    it('lists newest first with filters', async () => {
      const a = await store.save(incident({ status: 'open' }));
      const b = await store.save(incident({ status: 'closed', framework: 'nist-800-61r2' }));
      assert.deepEqual((await store.list()).map((i) => i.id), [b.id, a.id]);
      assert.deepEqual((await store.list({ status: 'open' })).map((i) => i.id), [a.id]);
      assert.deepEqual((await store.list({ status: ['open', 'closed'] })).map((i) => i.id), [b.id, a.id]);
      assert.deepEqual((await store.list({ framework: 'nist-800-61r2' })).map((i) => i.id), [b.id]);
      assert.equal((await store.list({ limit: 1 })).length, 1);
    });

    it('evicts closed incidents after the retention and frees their dedup key', async () => {
      const open = await store.save(incident({ dedupKey: 'open-key' }));
      const closed = await store.save(incident({ status: 'closed', dedupKey: 'closed-key' }));
      const later = new Date(Date.parse(closed.updatedAt) + 10_000);
      assert.deepEqual(await store.sweep({ now: later, retentionMs: 60_000 }), []);
      assert.deepEqual(await store.sweep({ now: later, retentionMs: 5_000 }), [closed.id]);
      assert.equal(await store.get(closed.id), undefined);
      assert.equal(await store.getByDedupKey('closed-key'), undefined);
      assert.deepEqual((await store.list()).map((i) => i.id), [open.id]);
      assert.ok(await store.get(open.id));
    });

    it('keeps one timer per id and hands a due timer to one claimer until its lease passes', async () => {
      const now = new Date('2026-03-01T10:00:00.000Z');
      await store.scheduleTimer(timer('sla:a', new Date(now.getTime() + 60_000)));
      await store.scheduleTimer(timer('sla:a', new Date(now.getTime() - 1_000)));
      await store.scheduleTimer(timer('sla:b', new Date(now.getTime() - 2_000), { kind: 'hold-expiry' }));
      await store.scheduleTimer(timer('sla:later', new Date(now.getTime() + 60_000)));
      assert.equal((await store.listTimers()).length, 3);

      const claimed = await store.claimDueTimers({ now, owner: 'instance-a', leaseMs: 30_000 });
      assert.deepEqual(claimed.map((t) => t.id), ['sla:b', 'sla:a']);
      assert.deepEqual(claimed[1].data, { phase: 'containment', list: [], empty: {} });
      assert.equal(claimed[0].kind, 'hold-expiry');
      assert.ok(claimed.every((t) => t.leaseOwner === 'instance-a' && t.leaseUntil === new Date(now.getTime() + 30_000).toISOString()));
      // While instance-a holds the lease nobody else gets them, also not instance-a again.
      assert.deepEqual(await store.claimDueTimers({ now: new Date(now.getTime() + 29_000), owner: 'instance-b', leaseMs: 30_000 }), []);
      const listed = (await store.listTimers()).find((t) => t.id === 'sla:a')!;
      assert.equal(listed.leaseOwner, 'instance-a');
      assert.equal(listed.dueAt, new Date(now.getTime() - 1_000).toISOString());

      // instance-a handled sla:b; it died holding sla:a: after the lease instance-b fires it.
      await store.cancelTimer('sla:b');
      const takenOver = await store.claimDueTimers({ now: new Date(now.getTime() + 30_000), owner: 'instance-b', leaseMs: 30_000 });
      assert.deepEqual(takenOver.map((t) => [t.id, t.leaseOwner]), [['sla:a', 'instance-b']]);
      await store.cancelTimer('sla:a');
      assert.deepEqual((await store.listTimers()).map((t) => t.id), ['sla:later']);
      await store.cancelTimer('no-such-timer');
    });

    it('claims a timer once among many simultaneous claimers', async () => {
      const now = new Date('2026-03-01T10:00:00.000Z');
      for (let i = 0; i < 10; i++) await store.scheduleTimer(timer(`t${i}`, new Date(now.getTime() - i)));
      const rounds = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claimDueTimers({ now, owner: `owner-${i}`, leaseMs: 60_000 })));
      const ids = rounds.flat().map((t) => t.id).sort();
      assert.deepEqual(ids, Array.from({ length: 10 }, (_, i) => `t${i}`).sort());
    });

    it('replacing a leased timer drops the lease (a new deadline is due again)', async () => {
      const now = new Date('2026-03-01T10:00:00.000Z');
      await store.scheduleTimer(timer('x', now));
      assert.equal((await store.claimDueTimers({ now, owner: 'a', leaseMs: 60_000 })).length, 1);
      await store.scheduleTimer(timer('x', now));
      assert.deepEqual((await store.claimDueTimers({ now, owner: 'b', leaseMs: 60_000 })).map((t) => t.leaseOwner), ['b']);
    });
  });
}
