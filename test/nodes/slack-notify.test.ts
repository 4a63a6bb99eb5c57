import assert from 'node:assert/strict';
import { activeStores } from '../../nodes/common/store';
import { createHold } from '../../core/approval/holds';
import type { Incident } from '../../core/model/types';
import { faults } from '../emulators/server';
import { SLACK_TOKEN, startSlack, type SlackEmulator } from '../emulators/slack';
import { incident } from '../helpers/fixtures';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode, type HelperNode } from '../helpers/node-red';

interface OutMsg { incident: Incident }

function flow(slackUrl: string, config: Record<string, unknown> = {}, notify: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    { id: 'sc', type: 'ir-slack-config', mode: 'live', channel: 'C0SEC', apiUrl: slackUrl, rate: 1000, retries: 3, timeout: 5, ...config },
    { id: 'notify', type: 'ir-slack-notify', z: 'tab', slack: 'sc', channelType: 'severity', wires: [['out']], ...notify },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
}

/** Collects every message a helper node receives. */
function collect(node: HelperNode): OutMsg[] {
  const got: OutMsg[] = [];
  node.on('input', (msg: OutMsg) => got.push(msg));
  return got;
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('slack-notify node', () => {
  let slack: SlackEmulator;
  const creds = { sc: { token: SLACK_TOKEN } };

  before(async () => {
    await helper.startServer();
    slack = await startSlack();
  });
  after(async () => {
    await slack.close();
    await helper.stopServer();
  });
  afterEach(async () => {
    await helper.unload();
    slack.reset();
  });

  it('a redeploy in the middle of a backlog: what finishes after the close is recorded as interrupted, not silently lost', async () => {
    // 3 messages per second for the channel: the second and third wait in the node's queue.
    await helper.load(ALL_NODES, flow(slack.apiUrl, { rate: 3 }), creds);
    const out = collect(helper.getNode('out'));
    const incidents = [incident(), incident(), incident()];
    const notify = helper.getNode('notify') as unknown as { receive(m: object): void; close(removed: boolean): Promise<void> };
    for (const inc of incidents) notify.receive({ incident: inc });
    await until(() => out.length === 1);
    const [store] = activeStores(); // the close below releases it
    await notify.close(true); // what a full deploy does to the old node
    await until(() => slack.topLevel('C0SEC').length === 3);
    for (const inc of incidents.slice(1)) {
      const interrupted = async (): Promise<boolean> => Boolean((await store!.get(inc.id))?.timeline.some((e) => e.action === 'playbook-interrupted'));
      for (let i = 0; i < 200 && !(await interrupted()); i++) await new Promise((r) => setTimeout(r, 25));
      const entry = (await store!.get(inc.id))!.timeline.find((e) => e.action === 'playbook-interrupted');
      assert.ok(entry, `incident ${inc.id} has no interruption entry`);
      assert.equal(entry.outcome, 'error');
      assert.match(entry.summary, /redeployed while slack-notify handled this incident/);
    }
    assert.equal(out.length, 1, 'nothing reaches the next node after the close');
  });

  it('posts one message per incident, then updates it and replies in its thread', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl), creds);
    const inc = incident({ phase: 'detection-analysis' });
    let out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('notify').receive({ incident: inc });
    const first = (await out).incident;
    assert.equal(first.refs.slack?.channel, 'C0SEC');
    const ts = first.refs.slack!.ts;
    assert.equal(first.timeline.at(-1)!.action, 'slack-notify');
    assert.equal(first.timeline.at(-1)!.outcome, 'ok');

    out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('notify').receive({ incident: { ...first, phase: 'containment-eradication-recovery', status: 'contained' } });
    const second = (await out).incident;
    assert.equal(second.refs.slack!.ts, ts);
    assert.equal(slack.topLevel('C0SEC').length, 1);
    assert.equal(slack.topLevel('C0SEC')[0]!.updates.length, 1);
    const replies = slack.replies('C0SEC', ts);
    assert.equal(replies.length, 1);
    assert.match(replies[0]!.text, /Status open → \*contained\*/);
    assert.ok(!JSON.stringify(second.timeline).includes(SLACK_TOKEN));
  });

  it('shows a fresh hold\'s Approve and Deny links, and the recorded call masks both tokens', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl), creds);
    const inc = incident({ phase: 'detection-analysis' });
    const { hold, links } = createHold(inc, { type: 'ir-phase-gate', id: 'g1' }, 'containment-eradication-recovery',
      { mode: 'always', minSeverity: 'high', approvers: [], timeoutMs: 60_000 }, 'http://127.0.0.1:1880/');
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('notify').receive({ incident: inc, approval: { incidentId: inc.id, title: inc.title, holdId: hold.id, phase: hold.phase, ...links } });
    const got = (await out).incident;
    const posted = JSON.stringify(slack.topLevel('C0SEC')[0]);
    assert.ok(posted.includes(`<${links.approve}|Approve (containment-eradication-recovery)>`), posted);
    assert.ok(posted.includes(`<${links.deny}|Deny (containment-eradication-recovery)>`), posted);
    const stored = JSON.stringify(got);
    for (const link of [links.approve!, links.deny!]) assert.ok(!stored.includes(link.split('/').at(-1)!), 'a token is in the incident');
    assert.match(stored, /ir-approval\/[0-9A-Z]+\/[0-9A-Z]+\/approve\/\[redacted\]/);
    assert.match(stored, /ir-approval\/[0-9A-Z]+\/[0-9A-Z]+\/deny\/\[redacted\]/);
  });

  it('chooses the channel by severity, and a typed input overrides it', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl, {}, { channelHigh: 'C0HIGH' }), creds);
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('notify').receive({ incident: incident({ severity: 'high' }) });
    assert.equal((await out).incident.refs.slack!.channel, 'C0HIGH');
    await helper.unload();
    await helper.load(ALL_NODES, flow(slack.apiUrl, {}, { channelType: 'msg', channel: 'target' }), creds);
    const out2 = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('notify').receive({ incident: incident({ severity: 'high' }), target: 'C0SEC' });
    assert.equal((await out2).incident.refs.slack!.channel, 'C0SEC');
  });

  it('delivers a storm of 500 incidents to one channel, all, in order, at the configured rate', async function () {
    this.timeout(30_000);
    const rate = 250;
    await helper.load(ALL_NODES, flow(slack.apiUrl, { rate }), creds);
    const got = collect(helper.getNode('out'));
    const incidents = Array.from({ length: 500 }, (_, i) => incident({ title: `storm alert ${i}` }));
    const notify = helper.getNode('notify');
    for (const inc of incidents) notify.receive({ incident: inc });
    await until(() => got.length === 500);
    const posts = slack.topLevel('C0SEC');
    assert.equal(posts.length, 500);
    assert.deepEqual(posts.map((p) => /storm alert (\d+)/.exec(p.text)![1]), incidents.map((_, i) => String(i)));
    assert.deepEqual(got.map((m) => m.incident.id), incidents.map((i) => i.id));
    assert.ok(got.every((m) => m.incident.timeline.at(-1)!.outcome === 'ok'));
    const times = slack.requestsTo('POST', '/api/chat.postMessage').map((r) => r.at);
    const elapsed = times.at(-1)! - times[0]!;
    assert.ok(elapsed >= (499 / rate) * 1000 * 0.9, `500 posts in ${elapsed} ms exceed ${rate}/s`);
  });

  it('waits out a 429 and delivers', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl), creds);
    slack.script('POST', '/api/chat.postMessage', faults.tooManyRequests(1));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('notify').receive({ incident: incident() });
    const msg = await out;
    assert.equal(msg.incident.timeline.at(-1)!.outcome, 'ok');
    assert.equal(slack.messages.length, 1);
    assert.equal(slack.requestsTo('POST', '/api/chat.postMessage').length, 2);
  });

  it('rides out an outage that recovers', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl), creds);
    slack.script('POST', '/api/chat.postMessage', faults.serverError(503), faults.reset(), faults.serverError(502));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('notify').receive({ incident: incident() });
    assert.equal((await out).incident.timeline.at(-1)!.outcome, 'ok');
    assert.equal(slack.messages.length, 1);
  });

  it('an outage past the last retry: catchable error, error entry, and the incident flows on', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl, { retries: 1 }), creds);
    slack.script('POST', '/api/chat.postMessage', faults.serverError(503), faults.serverError(503));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('notify'));
    helper.getNode('notify').receive({ incident: incident() });
    assert.match(String(await err), /HTTP 503/);
    const entry = (await out).incident.timeline.at(-1)!;
    assert.equal(entry.outcome, 'error');
    assert.equal(entry.action, 'slack-notify');
  });

  it('says what to do about a bad token, without showing it', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl), { sc: { token: 'xoxb-revoked-0000' } });
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('notify'));
    helper.getNode('notify').receive({ incident: incident() });
    assert.match(String(await err), /Slack rejected the bot token \(invalid_auth\)/);
    const msg = await out;
    assert.match(msg.incident.timeline.at(-1)!.summary, /invalid_auth/);
    assert.ok(!JSON.stringify(msg).includes('xoxb-revoked-0000'));
  });

  it('dry-run: sends nothing, needs no token, records the call it would make', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl, { mode: 'dry-run' }), {});
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('notify').receive({ incident: incident() });
    const entry = (await out).incident.timeline.at(-1)!;
    assert.equal(entry.outcome, 'dry-run');
    const calls = entry.details!.calls as Array<{ operation: string; body: Record<string, string> }>;
    assert.equal(calls[0]!.operation, 'slack.chat.postMessage');
    assert.equal(calls[0]!.body.channel, 'C0SEC');
    assert.match(entry.summary, /live mode lacks token/);
    assert.equal(slack.requests.length, 0);
  });

  it('live without a token: an error naming the missing credential', async () => {
    await helper.load(ALL_NODES, flow(slack.apiUrl), {});
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const err = nextError(helper.getNode('notify'));
    helper.getNode('notify').receive({ incident: incident() });
    assert.match(String(await err), /Slack: live mode needs token/);
    assert.equal((await out).incident.timeline.at(-1)!.outcome, 'error');
    assert.equal(slack.requests.length, 0);
  });
});
