import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { appendTimeline } from '../../core/model/timeline';
import { createRedisClient, describeRedis, parseRedisUrl, RedisIncidentStore } from '../../core/store/redis';
import type { StoredTimer } from '../../core/store/types';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestPki } from '../emulators/certs';
import { incident } from '../helpers/fixtures';
import { ALL_NODES, coreNode, helper, nextMessage } from '../helpers/node-red';
import { wazuhAlert } from '../helpers/payloads';
import { startRedis, type RunningRedis } from '../helpers/redis-server';
import { describeStoreContract } from '../helpers/store-contract';

let redis: RunningRedis;
before(async function () {
  this.timeout(30_000);
  redis = await startRedis();
});
after(async () => { await redis?.stop(); });

/** A store on its own connection and a fresh key prefix: a separate "instance" when given the same prefix. */
function openStore(prefix = `test-${randomBytes(6).toString('hex')}:`): RedisIncidentStore {
  return new RedisIncidentStore(createRedisClient({ url: redis.url }), { keyPrefix: prefix, owned: true });
}

describeStoreContract('Redis', async () => openStore());

describe('Redis incident store: several instances on one Redis', () => {
  const stores: RedisIncidentStore[] = [];
  /** Two stores on separate connections sharing one prefix, as two Node-RED instances do. */
  function twoInstances(): [RedisIncidentStore, RedisIncidentStore] {
    const prefix = `shared-${randomBytes(6).toString('hex')}:`;
    const pair: [RedisIncidentStore, RedisIncidentStore] = [openStore(prefix), openStore(prefix)];
    stores.push(...pair);
    return pair;
  }
  afterEach(async () => { await Promise.all(stores.splice(0).map((s) => s.close())); });

  it('gives one incident when both instances receive the same alerts at once', async () => {
    const [a, b] = twoInstances();
    let created = 0;
    const upsert = (store: RedisIncidentStore, i: number) => store.upsertByDedupKey('same-alert',
      () => { created++; return incident({ dedupKey: 'same-alert' }); },
      (inc) => { inc.alertCount += 1; appendTimeline(inc, { node: { type: 't', id: 'x' }, action: `join-${i}`, outcome: 'ok', summary: 'joined' }); },
      () => true);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => upsert(i % 2 ? a : b, i)));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.incident.id)).size, 1);
    const final = (await b.getByDedupKey('same-alert'))!;
    // Every alert but the creating one joined, each with its own timeline entry.
    assert.equal(final.alertCount, 1 + 39);
    assert.equal(final.timeline.filter((e) => e.action.startsWith('join-')).length, 39);
    assert.equal((await a.list()).length, 1);
    // A create() thrown away after losing a race is never saved.
    assert.ok(created >= 1);
  });

  it('keeps every timeline entry when both instances change one incident at once', async () => {
    const [a, b] = twoInstances();
    const saved = await a.save(incident());
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).update(saved.id, (inc) => {
      appendTimeline(inc, { node: { type: 't', id: 'x' }, action: `step-${i}`, outcome: 'ok', summary: `step ${i}` });
    })));
    const latest = (await a.get(saved.id))!;
    assert.equal(latest.revision, 61);
    assert.deepEqual(latest.timeline.filter((e) => e.action.startsWith('step-')).map((e) => e.action).sort(), Array.from({ length: 60 }, (_, i) => `step-${i}`).sort());
  });

  it('lets only the first of two simultaneous decisions count', async () => {
    const [a, b] = twoInstances();
    const saved = await a.save(incident({ owner: undefined }));
    const outcomes = await Promise.all(['alice', 'bob'].map((who, i) => {
      let won = false;
      return (i ? a : b).update(saved.id, (inc) => {
        // As applyDecision does: decide only while nobody has.
        won = inc.owner === undefined;
        if (won) inc.owner = who;
      }).then(() => won);
    }));
    assert.deepEqual(outcomes.filter(Boolean).length, 1);
  });

  it('fires a timer on one instance, and on the other after the lease when the first died', async () => {
    const [a, b] = twoInstances();
    const now = new Date();
    const timer: StoredTimer = { id: 'sla:x', kind: 'sla', incidentId: 'x', nodeId: 'n', dueAt: new Date(now.getTime() - 10).toISOString() };
    await a.scheduleTimer(timer);
    const [fromA, fromB] = await Promise.all([a.claimDueTimers({ now, owner: 'a', leaseMs: 5_000 }), b.claimDueTimers({ now, owner: 'b', leaseMs: 5_000 })]);
    assert.equal(fromA.length + fromB.length, 1);
    const winner = fromA.length ? 'a' : 'b';
    // The winner "dies" without cancelling: the other claims it only once the lease passed.
    const other = winner === 'a' ? b : a;
    assert.deepEqual(await other.claimDueTimers({ now: new Date(now.getTime() + 4_999), owner: 'other', leaseMs: 5_000 }), []);
    const takenOver = await other.claimDueTimers({ now: new Date(now.getTime() + 5_000), owner: 'other', leaseMs: 5_000 });
    assert.deepEqual(takenOver.map((t) => t.id), ['sla:x']);
  });

  it('evicts a closed incident once when both instances sweep, and never a reopened one', async () => {
    const [a, b] = twoInstances();
    const closed = await a.save(incident({ status: 'closed', dedupKey: 'k-closed' }));
    const reopened = await a.save(incident({ status: 'closed', dedupKey: 'k-reopened' }));
    const later = new Date(Date.parse(closed.updatedAt) + 60_000);
    await b.update(reopened.id, (inc) => { inc.status = 'open'; });
    const [fromA, fromB] = await Promise.all([a.sweep({ now: later, retentionMs: 1_000 }), b.sweep({ now: later, retentionMs: 1_000 })]);
    assert.deepEqual([...fromA, ...fromB], [closed.id]);
    assert.ok(await a.get(reopened.id));
  });
});

describe('Redis connection settings', () => {
  it('reads redis:// and rediss:// URLs and refuses credentials in the URL', () => {
    assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6390/2'), { host: '127.0.0.1', port: 6390, db: 2, tls: false });
    assert.deepEqual(parseRedisUrl('rediss://redis.example'), { host: 'redis.example', port: 6379, db: 0, tls: true });
    assert.throws(() => parseRedisUrl('redis://:s3cret@host:6379'), (err: Error) => /Password field/.test(err.message) && !err.message.includes('s3cret'));
    assert.throws(() => parseRedisUrl('http://host'), /redis:\/\/ or rediss:\/\//);
    assert.throws(() => parseRedisUrl('redis://host/x'), /database/);
    assert.equal(describeRedis({ url: 'redis://h:1/3', keyPrefix: 'soc:' }), 'redis (redis://h:1/3, prefix "soc:")');
  });

  it('authenticates with the password from the credentials, and a wrong one fails without showing it', async function () {
    this.timeout(30_000);
    const secured = await startRedis(['--requirepass', 'correct-horse']);
    try {
      const good = new RedisIncidentStore(createRedisClient({ url: secured.url, password: 'correct-horse' }), { owned: true });
      const saved = await good.save(incident());
      assert.equal((await good.get(saved.id))!.id, saved.id);
      await good.close();
      const client: Redis = createRedisClient({ url: secured.url, password: 'wrong-battery' });
      client.on('error', () => undefined);
      const bad = new RedisIncidentStore(client, { owned: true });
      await assert.rejects(bad.get(saved.id), (err: Error) => /WRONGPASS|invalid|NOAUTH/i.test(err.message) && !err.message.includes('wrong-battery'));
      await bad.close();
    } finally {
      await secured.stop();
    }
  });
});

describe('Redis over TLS (rediss://, a private CA)', function () {
  this.timeout(30_000);
  const pki = createTestPki('IR Redis test CA');
  let secure: RunningRedis;
  let caDir: string;
  before(async () => {
    secure = await startRedis([], { tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem } });
    caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-redis-ca-'));
    fs.writeFileSync(path.join(caDir, 'ca.crt'), pki.ca.certPem);
  });
  after(async () => {
    await secure?.stop();
    fs.rmSync(caDir, { recursive: true, force: true });
  });

  it('connects with the CA given, and refuses a server the system CAs do not vouch for', async () => {
    const trusted = new RedisIncidentStore(createRedisClient({ url: secure.url, tls: { ca: pki.ca.certPem } }), { owned: true });
    const saved = await trusted.save(incident());
    assert.equal((await trusted.get(saved.id))!.id, saved.id);
    await trusted.close();
    const client = createRedisClient({ url: secure.url });
    client.on('error', () => undefined);
    const untrusted = new RedisIncidentStore(client, { owned: true });
    await assert.rejects(untrusted.get(saved.id), /connection: .*(certificate|self.signed|unable to verify)/i);
    await untrusted.close();
  });

  describe('through the config node and Node-RED\'s tls-config node', () => {
    before(() => helper.startServer());
    after(() => helper.stopServer());
    afterEach(() => helper.unload());

    it('alert-in opens the incident in the Redis behind TLS', async () => {
      const tls = coreNode('network/05-tls.js');
      await helper.load([tls, ...ALL_NODES], [
        { id: 'tab', type: 'tab' },
        { id: 'tls', type: 'tls-config', cert: '', key: '', ca: path.join(caDir, 'ca.crt'), verifyservercert: true },
        { id: 'store', type: 'ir-incident-store', backend: 'redis', redisUrl: secure.url, tls: 'tls', keyPrefix: 'tls-node:', retentionDays: 30 },
        { id: 'in', type: 'ir-alert-in', z: 'tab', store: 'store', format: 'auto', dedupKeyType: 'default', windowMinutes: 15, maxAlerts: 20, maxKilobytes: 1024, maxDepth: 64, auth: 'none', wires: [['new'], [], []] },
        { id: 'new', type: 'helper', z: 'tab' },
      ]);
      const created = nextMessage<{ incident: { id: string } }>(helper.getNode('new'), 10_000);
      helper.getNode('in').receive({ payload: wazuhAlert() });
      const { incident: opened } = await created;
      const reader = new RedisIncidentStore(createRedisClient({ url: secure.url, tls: { ca: pki.ca.certPem } }), { keyPrefix: 'tls-node:', owned: true });
      assert.equal((await reader.get(opened.id))!.id, opened.id);
      await reader.close();
    });
  });
});
