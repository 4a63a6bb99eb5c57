// Messages per second through the slack-notify node (node-red-node-test-helper, live mode, rate
// limit lifted) to the loopback Slack emulator, against a bare @slack/web-api WebClient
// chat.postMessage of the very same Block Kit message to the same emulator, in the same run.
// Rounds alternate between the two so drift hits both; the median round of each is reported.
// Run: npm run bench:notify [-- seconds]   (default 20 s in all; issue 5 target: overhead < 20%)
import { LogLevel, WebClient } from '@slack/web-api';
import { buildIncidentMessage } from '../core/integrations/slack';
import type { Incident } from '../core/model/types';
import { SLACK_TOKEN, startSlack, type SlackEmulator } from '../test/emulators/slack';
import { incident } from '../test/helpers/fixtures';
import { ALL_NODES, helper, type FlowNode, type HelperNode } from '../test/helpers/node-red';
import { activeStores } from '../nodes/common/store';
import type { IncidentStore } from '../core/store/types';

const SECONDS = Number(process.argv[2] ?? '20');
const BATCH = 200;
const CHANNEL = 'C0SEC';
const WARMUP = 300;

function incidents(n: number): Incident[] {
  return Array.from({ length: n }, (_, i) => incident({ title: `Brute force against sshd on host-${i}`, phase: 'detection-analysis' }));
}

/** As in a playbook, alert-in has stored each incident before slack-notify sees it (untimed). */
async function stored(store: IncidentStore, batch: Incident[]): Promise<Incident[]> {
  return Promise.all(batch.map((inc) => store.save(inc)));
}

/** All of a batch into the node at once (a storm); resolves when every one came out. */
function throughNode(notify: HelperNode, out: HelperNode, batch: Incident[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = batch.length;
    const onInput = (msg: { incident: Incident }): void => {
      if (msg.incident.timeline.at(-1)?.outcome !== 'ok') {
        out.removeListener('input', onInput);
        reject(new Error(`slack-notify did not post: ${msg.incident.timeline.at(-1)?.summary}`));
        return;
      }
      if (--left === 0) {
        out.removeListener('input', onInput);
        resolve();
      }
    };
    out.on('input', onInput);
    for (const inc of batch) notify.receive({ incident: inc });
  });
}

/** The same messages, posted one after another with a bare WebClient (no retries, like the node's). */
async function throughWebClient(client: WebClient, batch: Incident[]): Promise<void> {
  for (const inc of batch) {
    const message = buildIncidentMessage(inc);
    const res = await client.chat.postMessage({ channel: CHANNEL, text: message.text, blocks: message.blocks as never, unfurl_links: false, unfurl_media: false });
    if (!res.ok) throw new Error(`chat.postMessage: ${res.error}`);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main(): Promise<void> {
  const slack: SlackEmulator = await startSlack();
  await helper.startServer();
  const flow: FlowNode[] = [
    { id: 'tab', type: 'tab' },
    // Rate limit lifted: the policy still queues, times out and retries, but never waits.
    { id: 'sc', type: 'ir-slack-config', mode: 'live', channel: CHANNEL, apiUrl: slack.apiUrl, rate: 1e9, retries: 3, timeout: 15 },
    { id: 'notify', type: 'ir-slack-notify', z: 'tab', slack: 'sc', channelType: 'severity', wires: [['out']] },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
  await helper.load(ALL_NODES, flow, { sc: { token: SLACK_TOKEN } });
  // The test helper wraps every Node method (send, status, log...) in a sinon spy that keeps
  // each call; a real runtime has none of that, so take the spies off before measuring.
  const testHelper = helper as unknown as { _sandbox: { restore(): void }; _NodePrototype: { send: unknown } };
  testHelper._sandbox.restore();
  // Node-RED copies Node.prototype.send onto each wired node when it is created, so the node
  // still holds the spied send after the restore: give it the real one back.
  (helper.getNode('notify') as unknown as { send: unknown }).send = testHelper._NodePrototype.send;
  const notify = helper.getNode('notify');
  const [store] = activeStores();
  if (!store) throw new Error('slack-notify opened no incident store');
  const out = helper.getNode('out');
  const client = new WebClient(SLACK_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });

  try {
    // Warm up both paths (JIT, connections).
    await throughWebClient(client, incidents(WARMUP));
    await throughNode(notify, out, await stored(store, incidents(WARMUP)));
    slack.reset();

    const nodeRates: number[] = [];
    const bareRates: number[] = [];
    const end = Date.now() + SECONDS * 1000;
    let rounds = 0;
    while (Date.now() < end || rounds < 4) {
      // Fresh incidents each round (each a new top-level post); built outside the timing.
      const forBare = incidents(BATCH);
      const forNode = await stored(store, incidents(BATCH));
      const bareMs = await timed(() => throughWebClient(client, forBare));
      const nodeMs = await timed(() => throughNode(notify, out, forNode));
      bareRates.push(BATCH / (bareMs / 1000));
      nodeRates.push(BATCH / (nodeMs / 1000));
      const posted = slack.topLevel(CHANNEL).length;
      if (posted !== 2 * BATCH) throw new Error(`the emulator saw ${posted} posts in a round, expected ${2 * BATCH}`);
      slack.reset(); // keep the emulator's record (and its lookups) small
      rounds += 1;
    }

    const bare = median(bareRates);
    const node = median(nodeRates);
    const bareUs = 1e6 / bare;
    const nodeUs = 1e6 / node;
    const overhead = ((nodeUs - bareUs) / bareUs) * 100;
    const pad = (s: string, n: number): string => s.padEnd(n);
    console.log(`slack-notify vs bare WebClient chat.postMessage, loopback Slack emulator, rate limit lifted`);
    console.log(`${rounds} rounds of ${BATCH} messages each way, median round (node ${process.version}, ${process.platform}/${process.arch})\n`);
    console.log(`${pad('path', 34)}${pad('msg/s', 10)}µs/msg`);
    console.log(`${pad('bare WebClient.chat.postMessage', 34)}${pad(bare.toFixed(0), 10)}${bareUs.toFixed(0)}`);
    console.log(`${pad('slack-notify node', 34)}${pad(node.toFixed(0), 10)}${nodeUs.toFixed(0)}`);
    console.log(`\noverhead per message: ${(nodeUs - bareUs).toFixed(0)} µs = ${overhead.toFixed(1)}% (target < 20%): ${overhead < 20 ? 'met' : 'NOT met'}`);
    console.log(`round spread: node ${Math.min(...nodeRates).toFixed(0)}-${Math.max(...nodeRates).toFixed(0)} msg/s, bare ${Math.min(...bareRates).toFixed(0)}-${Math.max(...bareRates).toFixed(0)} msg/s`);
  } finally {
    await helper.unload();
    await helper.stopServer();
    await slack.close();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
