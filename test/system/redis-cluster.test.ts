import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Incident } from '../../core/model/types';
import { CLAIM_SCRIPT_SHA1, createRedisClient, RedisIncidentStore } from '../../core/store/redis';
import { deployFlow, nistFlow } from '../helpers/cluster';
import { startNodeRedCli, type NodeRedProcess } from '../helpers/node-red-cli';
import { alertmanagerWebhook } from '../helpers/payloads';
import { startRedis, type RunningRedis } from '../helpers/redis-server';
import { TcpProxy } from '../helpers/tcp-proxy';

// Two Node-RED runtimes (separate processes, the node-red CLI with `npm start`'s settings)
// share one real redis-server, as several instances behind a load balancer do.

const REDIS_PASSWORD = 'test-only-redis-password';
const PREFIX = 'soc:';

interface Held { incident: Incident; approval: { approve: string; deny: string; alreadyHeld: boolean } }

async function postAlert(nodeRed: NodeRedProcess, body: unknown): Promise<{ status: number; json: Held }> {
  const res = await fetch(`${nodeRed.url}/ir/nist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Held };
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function count(text: string, pattern: RegExp): number {
  return (text.match(new RegExp(pattern.source, 'g')) ?? []).length;
}

/** Deliveries an action's entries record: a folded entry counts its repeats. */
function recorded(incident: Incident, action: string): number {
  return incident.timeline.filter((e) => e.action === action).reduce((n, e) => n + (typeof e.details?.count === 'number' ? e.details.count : 1), 0);
}

function actions(incident: Incident, action: string): number {
  return incident.timeline.filter((e) => e.action === action).length;
}

describe('several Node-RED instances on one Redis (node-red CLI, real redis-server)', function () {
  this.timeout(180_000);
  let redis: RunningRedis;
  let store: RedisIncidentStore;
  const running: NodeRedProcess[] = [];
  const proxies: TcpProxy[] = [];
  const dirs: string[] = [];

  function userDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-cluster-'));
    dirs.push(dir);
    return dir;
  }

  async function instance(redisUrl: string, slaMinutes: number, leaseMs: number): Promise<NodeRedProcess> {
    const nodeRed = await startNodeRedCli(userDir(), {
      IR_SETTINGS_JSON: JSON.stringify({ incidentResponse: { timerPollMs: 100, timerLeaseMs: leaseMs } }),
      NODE_RED_CREDENTIAL_SECRET: 'test-secret',
    });
    running.push(nodeRed);
    await deployFlow(nodeRed, nistFlow({ redis: { url: redisUrl, password: REDIS_PASSWORD, keyPrefix: PREFIX }, slaMinutes }));
    return nodeRed;
  }

  beforeEach(async () => {
    redis = await startRedis(['--requirepass', REDIS_PASSWORD]);
    // The test's own view of Redis: the same store the runtimes use.
    store = new RedisIncidentStore(createRedisClient({ url: redis.url, password: REDIS_PASSWORD }), { keyPrefix: PREFIX, owned: true });
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((n) => n.stop()));
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
    await store.close();
    await redis.stop();
  });
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('same alerts on both at once: one incident per dedup key, complete timelines, one approval, one SLA firing', async () => {
    const [a, b] = await Promise.all([instance(redis.url, 0.05, 5_000), instance(redis.url, 0.05, 5_000)]);
    const hosts = ['db-1:9100', 'db-2:9100', 'db-3:9100', 'db-4:9100'];
    const deliveries = 3;
    // Every alert three times to each instance, all at once: 24 requests, 4 incidents.
    const answers = await Promise.all(hosts.flatMap((host) => Array.from({ length: deliveries * 2 }, (_, i) =>
      postAlert(i % 2 ? a : b, alertmanagerWebhook('firing', host)).then((answer) => ({ host, answer })))));
    // The first delivery runs the playbook and is held for approval (202); the others are
    // answered as duplicates of that incident (200, duplicateOf), on whichever instance.
    for (const host of hosts) {
      const statuses = answers.filter((x) => x.host === host).map((x) => x.answer.status).sort();
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 202], `${host}: ${statuses.join(', ')}`);
    }

    const incidents = new Map<string, Incident>();
    for (const host of hosts) {
      const ids = new Set(answers.filter((x) => x.host === host).map((x) => x.answer.json.incident.id));
      assert.equal(ids.size, 1, `${host} opened ${ids.size} incidents`);
      incidents.set(host, (await store.get([...ids][0]))!);
    }
    assert.equal((await store.list()).length, hosts.length);
    for (const [host, incident] of incidents) {
      // One opening, every other delivery recorded (none lost to a concurrent save), one hold.
      assert.equal(actions(incident, 'incident-opened'), 1, host);
      // (Consecutive repeats fold into one entry that counts them.)
      assert.equal(recorded(incident, 'alert-redelivered') + recorded(incident, 'alert-joined'), deliveries * 2 - 1, host);
      assert.equal(incident.holds.length, 1, host);
      // The first run went through detection on one instance: each of its steps once.
      assert.equal(actions(incident, 'phase-entered'), 1, `${host}: ${incident.timeline.map((e) => e.action).join(', ')}`);
    }
    const withLinks = answers.filter((x) => x.answer.status === 202);

    // The same approval link clicked on both instances at once: one decision counts.
    const first = withLinks.find((x) => x.host === hosts[0])!.answer.json;
    const linkPath = new URL(first.approval.approve).pathname;
    const pages = await Promise.all([a, b].map((n) => fetch(n.url + linkPath)));
    assert.deepEqual(pages.map((p) => p.status), [200, 200]);
    const clicks = await Promise.all([a, b].map((n, i) => fetch(n.url + linkPath, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `by=${i ? 'bob' : 'alice'}&reason=clicked+on+instance+${i}`,
    }).then(async (res) => ({ status: res.status, text: await res.text() }))));
    assert.deepEqual(clicks.map((c) => c.status).sort(), [200, 409], JSON.stringify(clicks));
    assert.match(clicks.find((c) => c.status === 200)!.text, /Approved by (alice|bob)\. The playbook continues\./);
    assert.match(clicks.find((c) => c.status === 409)!.text, /already approved/);
    const approvedId = first.incident.id;
    await waitFor(async () => (await store.get(approvedId))!.phase === 'post-incident', 30_000, 'the approved run to finish');
    const approved = (await store.get(approvedId))!;
    assert.equal(approved.holds[0].state, 'approved');
    assert.equal(actions(approved, 'approval-granted'), 1);

    // The held incidents stay in Detection and Analysis past the 3 s SLA: each breach fires once,
    // on one of the two instances, and its timer is gone.
    const held = [...incidents.values()].filter((i) => i.id !== approvedId);
    await waitFor(async () => {
      const timers = (await store.listTimers()).filter((t) => t.kind === 'sla' && held.some((i) => i.id === t.incidentId));
      const breached = await Promise.all(held.map(async (i) => actions((await store.get(i.id))!, 'sla-breached') > 0));
      return timers.length === 0 && breached.every(Boolean);
    }, 30_000, 'every SLA of the held incidents to fire');
    let breaches = 0;
    for (const incident of held) {
      const latest = (await store.get(incident.id))!;
      assert.equal(actions(latest, 'sla-breached'), 1, `${incident.id} breached ${actions(latest, 'sla-breached')} times`);
      breaches += 1;
    }
    // The approved incident may have breached before its approval, at most once.
    breaches += actions((await store.get(approvedId))!, 'sla-breached');
    assert.ok(actions((await store.get(approvedId))!, 'sla-breached') <= 1);
    await waitFor(() => count(a.output() + b.output(), /\[debug:SLA breached\]/) >= breaches, 10_000, 'the SLA messages to be logged');
    assert.equal(count(a.output() + b.output(), /\[debug:SLA breached\]/), breaches);

    // The sidebar works on either instance: an action on B shows on A.
    const note = await fetch(`${b.url}/ir/incidents/${held[0].id}/note`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'seen on B' }) });
    assert.equal(note.status, 200, await note.text());
    const seen = (await (await fetch(`${a.url}/ir/incidents/${held[0].id}`)).json()) as { incident: Incident };
    assert.ok(seen.incident.timeline.some((e) => e.action === 'note-added' && e.summary.includes('seen on B')));
    const listed = (await (await fetch(`${a.url}/ir/incidents?state=all`)).json()) as { total: number };
    assert.equal(listed.total, hosts.length);
  });

  it('kill -9 of one instance holding SLA timers: the other fires them after the lease, none lost', async () => {
    // Each instance reaches Redis through a proxy, so the test can stall a connection at a chosen moment.
    const [proxyA, proxyB] = [new TcpProxy(redis.port), new TcpProxy(redis.port)];
    proxies.push(proxyA, proxyB);
    await Promise.all([proxyA.start(), proxyB.start()]);
    const leaseMs = 5_000;
    // The SLA (15 s) falls due after all alerts are in, even on a busy machine.
    const [a, b] = await Promise.all([
      instance(`redis://127.0.0.1:${proxyA.port}/0`, 0.25, leaseMs),
      instance(`redis://127.0.0.1:${proxyB.port}/0`, 0.25, leaseMs),
    ]);
    const hosts = ['web-1:9100', 'web-2:9100', 'web-3:9100'];
    const answers = await Promise.all(hosts.flatMap((host) => [a, b].map((n) => postAlert(n, alertmanagerWebhook('firing', host)))));
    assert.deepEqual(answers.map((x) => x.status).sort(), [200, 200, 200, 202, 202, 202]);
    const ids = [...new Set(answers.map((x) => x.json.incident.id))];
    assert.equal(ids.length, hosts.length);
    const timers = (await store.listTimers()).filter((t) => t.kind === 'sla');
    assert.equal(timers.length, hosts.length);
    assert.ok(timers.every((t) => !t.leaseOwner), 'the SLA timers fell due before the test could set up the crash');

    // B's connection stalls (a network hiccup): A claims the due timers. A's connection then
    // stalls right after the claim's answer, so A holds the leases but never records a breach;
    // then A is killed.
    proxyB.pause();
    let sawClaim = false;
    proxyA.onRequest = (data) => { if (data.includes('ZRANGEBYSCORE') || data.includes(CLAIM_SCRIPT_SHA1)) sawClaim = true; };
    let claimed = false;
    proxyA.onReply = (data) => {
      if (!sawClaim || claimed) return false;
      sawClaim = false;
      // An empty claim (nothing due yet) or NOSCRIPT: keep going.
      if (data.subarray(0, 4).toString() === '*0\r\n' || data[0] !== 0x2a) return false;
      claimed = true;
      return true;
    };
    await waitFor(() => claimed, 30_000, 'instance A to claim the due SLA timers');
    const leased = (await store.listTimers()).filter((t) => t.kind === 'sla');
    const heldByA = leased.filter((t) => t.leaseOwner?.includes(`:${a.pid}:`));
    assert.ok(heldByA.length >= 1, `A holds no lease: ${JSON.stringify(leased)}`);
    await a.kill9();
    proxyB.resume();

    // B fires every timer: those A held only once their lease passed, each once.
    await waitFor(async () => {
      const left = (await store.listTimers()).filter((t) => t.kind === 'sla');
      const all = await Promise.all(ids.map(async (id) => actions((await store.get(id))!, 'sla-breached') > 0));
      return left.length === 0 && all.every(Boolean);
    }, 60_000, 'instance B to fire the SLA timers');
    for (const id of ids) {
      const incident = (await store.get(id))!;
      const breachEntries = incident.timeline.filter((e) => e.action === 'sla-breached');
      assert.equal(breachEntries.length, 1, `${id}: ${breachEntries.length} breaches`);
      const lease = heldByA.find((t) => t.incidentId === id);
      if (lease) assert.ok(Date.parse(breachEntries[0].at) >= Date.parse(lease.leaseUntil!), `${id} fired at ${breachEntries[0].at}, before A's lease ended at ${lease.leaseUntil}`);
    }
    await waitFor(() => count(b.output(), /\[debug:SLA breached\]/) >= ids.length, 10_000, 'B to log the SLA messages');
    assert.equal(count(b.output(), /\[debug:SLA breached\]/), ids.length);
    assert.equal(count(a.output(), /\[debug:SLA breached\]/), 0);

    // The run goes on on B: the held incidents' approvals work there although A held them.
    const link = answers.find((x) => x.json.incident.id === ids[0] && x.status === 202)!.json.approval.approve;
    const decided = await fetch(b.url + new URL(link).pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'by=carol' });
    assert.equal(decided.status, 200);
    await waitFor(async () => (await store.get(ids[0]))!.phase === 'post-incident', 30_000, 'the approved run to finish on B');
  });
});
