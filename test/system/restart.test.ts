import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Incident } from '../../core/model/types';
import { startNodeRed, type RunningNodeRed } from '../helpers/runtime';
import { alertmanagerWebhook } from '../helpers/payloads';

interface Held { incident: Incident; approval: { approve: string; deny: string; expiresAt: string } }

async function post(nodeRed: RunningNodeRed, route: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${nodeRed.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/**
 * The NIST example with its containment gate answering the approval links to the sender (the
 * gate's "links in the webhook answer", for a verified sender), so the test can hold and decide
 * over HTTP alone; `change` edits it further.
 */
function exampleWithLinks(userDir: string, change: (n: Record<string, unknown>) => Record<string, unknown> = (n) => n): void {
  const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'flows', 'NIST SP 800-61 playbook.json'), 'utf8')) as Array<Record<string, unknown>>;
  const flow = example.map((n) => change(n.id === 'ir_nist_gate_contain' ? { ...n, linksInAnswer: true } : n));
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('restarts in the middle of an approval and of a timer (Node-RED CLI)', () => {
  const dirs: string[] = [];
  let nodeRed: RunningNodeRed | undefined;
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-restart-'));
    dirs.push(dir);
    return dir;
  };

  afterEach(async () => {
    await nodeRed?.stop();
    nodeRed = undefined;
  });
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('keeps a held incident across a restart and continues it when approved from the page', async () => {
    const userDir = tempDir();
    exampleWithLinks(userDir);
    nodeRed = await startNodeRed(userDir);
    const held = await post(nodeRed, '/ir/nist', alertmanagerWebhook('firing'));
    assert.equal(held.status, 202, JSON.stringify(held.json));
    const { incident, approval } = held.json as unknown as Held;
    assert.ok(approval.approve.startsWith(nodeRed.url), `${approval.approve} is not on ${nodeRed.url}`);

    await nodeRed.stop();
    nodeRed = await startNodeRed(userDir, [], { PORT: new URL(approval.approve).port });
    const page = await fetch(approval.approve);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Approve/);
    const decided = await fetch(approval.approve, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'by=alice&reason=after+restart' });
    assert.equal(decided.status, 200);
    assert.match(await decided.text(), /Approved by alice\. The playbook continues\./);

    // The run goes on after the answer: wait until it reached its last phase (incident sidebar API).
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await fetch(`${nodeRed.url}/ir/incidents/${incident.id}`);
      const phase = ((await res.json()) as { incident?: { phase?: string } }).incident?.phase;
      if (phase === 'post-incident') break;
      if (Date.now() > deadline) throw new Error(`the approved run did not finish: phase ${phase}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The same alert again joins the incident, whose answer shows how the run ended.
    const again = await post(nodeRed, '/ir/nist', alertmanagerWebhook('firing'));
    assert.equal(again.status, 200);
    const finished = (again.json as { incident: Incident }).incident;
    assert.equal(finished.id, incident.id);
    assert.equal(finished.phase, 'post-incident');
    assert.match(finished.report?.markdown ?? '', /alice approved "Containment, Eradication and Recovery": after restart/);
  });

  it('fires an approval expiry that fell due while Node-RED was down', async () => {
    const userDir = tempDir();
    // The example, with a 3-second approval window and the denial logged to the console.
    exampleWithLinks(userDir, (n) => {
      if (n.id === 'ir_nist_gate_contain') return { ...n, approvalTimeoutMinutes: 0.05 };
      if (n.id === 'ir_nist_denied') return { ...n, console: true };
      return n;
    });
    nodeRed = await startNodeRed(userDir);
    const held = await post(nodeRed, '/ir/nist', alertmanagerWebhook('firing'));
    assert.equal(held.status, 202);
    const { approval } = held.json as unknown as Held;
    await nodeRed.stop();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(approval.expiresAt) - Date.now()) + 500));
    nodeRed = await startNodeRed(userDir, [], { PORT: new URL(approval.approve).port });
    const running = nodeRed;
    await waitFor(() => /denied or expired[\s\S]*expired/.test(running.output()), 15_000, 'the expiry to fire after the restart');
    const page = await fetch(approval.approve);
    assert.equal(page.status, 410);
    // Once: the handled timer is gone, so a further restart does not fire it again.
    await nodeRed.stop();
    nodeRed = await startNodeRed(userDir);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.doesNotMatch(nodeRed.output(), /denied or expired/);
  });
});
