import assert from 'node:assert/strict';
import { appendTimeline } from '../../core/model/timeline';
import { KeyValueIncidentStore, MemoryBackend, type KeyValueBackend } from '../../core/store/keyvalue';
import { IncidentNotFoundError, RevisionConflictError } from '../../core/store/types';
import { incident } from '../helpers/fixtures';

/** A backend whose every call yields to the event loop, as a disk-backed context store does. */
class SlowBackend extends MemoryBackend implements KeyValueBackend {
  private async pause(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
  }
  override async get(key: string): Promise<unknown> {
    await this.pause();
    return super.get(key);
  }
  override async set(key: string, value: unknown): Promise<void> {
    await this.pause();
    return super.set(key, value);
  }
}

const node = { type: 'test', id: 't1' };

describe('incident store (key-value backend)', () => {
  let store: KeyValueIncidentStore;
  beforeEach(() => {
    store = new KeyValueIncidentStore(new SlowBackend());
  });

  it('saves a new incident as revision 1 and loads a copy', async () => {
    const saved = await store.save(incident());
    assert.equal(saved.revision, 1);
    const loaded = await store.get(saved.id);
    assert.deepEqual(loaded, saved);
    loaded!.title = 'changed';
    assert.notEqual((await store.get(saved.id))!.title, 'changed');
  });

  it('keeps an incident as JSON text, and still reads one an earlier release stored as an object', async () => {
    const backend = new MemoryBackend();
    const textStore = new KeyValueIncidentStore(backend);
    const saved = await textStore.save(incident());
    const key = (await backend.keys()).find((k) => k.endsWith(saved.id))!;
    const raw = await backend.get(key);
    assert.equal(typeof raw, 'string');
    assert.deepEqual(JSON.parse(raw as string), saved);

    // An object left by an earlier release: read as a copy, updated, written back as text.
    const legacy = { ...incident(), revision: 3 };
    await backend.set(key.replace(saved.id, legacy.id), legacy);
    const read = await textStore.get(legacy.id);
    assert.deepEqual(read, legacy);
    read!.title = 'changed';
    assert.notEqual(legacy.title, 'changed');
    const updated = await textStore.update(legacy.id, (inc) => { inc.title = 'updated'; });
    assert.equal(updated.revision, 4);
    assert.equal(typeof (await backend.get(key.replace(saved.id, legacy.id))), 'string');
    await assert.rejects(textStore.save(legacy), RevisionConflictError);
  });

  it('refuses a save from an old revision', async () => {
    const saved = await store.save(incident());
    await store.save(saved);
    await assert.rejects(store.save(saved), (err: unknown) => err instanceof RevisionConflictError && /revision 1, store has 2/.test(err.message));
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
    const ids = new Set(results.map((r) => r.incident.id));
    assert.equal(ids.size, 1);
    const final = (await store.getByDedupKey('k1'))!;
    assert.equal(final.alertCount, 20);
  });

  it('opens a new incident when the existing one may not be joined', async () => {
    const first = await store.upsertByDedupKey('k2', () => incident({ dedupKey: 'k2' }), () => undefined, () => true);
    const second = await store.upsertByDedupKey('k2', () => incident({ dedupKey: 'k2' }), () => undefined, () => false);
    assert.equal(second.created, true);
    assert.notEqual(second.incident.id, first.incident.id);
    assert.equal((await store.getByDedupKey('k2'))!.id, second.incident.id);
  });

  it('lists newest first with filters', async () => {
    const a = await store.save(incident({ status: 'open' }));
    const b = await store.save(incident({ status: 'closed', framework: 'nist-800-61r2' }));
    assert.deepEqual((await store.list()).map((i) => i.id), [b.id, a.id]);
    assert.deepEqual((await store.list({ status: 'open' })).map((i) => i.id), [a.id]);
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
    assert.ok(await store.get(open.id));
  });
});
