// Child process of the playbook benchmarks: the test suite's Slack and PagerDuty emulators on
// loopback, in a process of their own so their work does not stall the load generator's clock.
// Speaks to the parent over IPC: 'collect' answers what arrived since the last collect (call
// counts, and the arrival time of each top-level Slack post with the alert's marker in it),
// then forgets it so the emulators' records stay small.
import { startPagerDutyEvents } from '../test/emulators/pagerduty-events';
import { startSlack } from '../test/emulators/slack';

export interface EmulatorsReady {
  type: 'ready';
  slackApiUrl: string;
  pagerDutyUrl: string;
}

export interface Collected {
  type: 'collected';
  /** Calls per `METHOD /path`, both emulators. */
  calls: Record<string, number>;
  /** Answers other than success (Slack ok:false, PagerDuty non-2xx), by error. */
  failures: Record<string, number>;
  /** Top-level chat.postMessage arrivals: the marker found in the message and Date.now() on arrival. */
  slackPosts: Array<{ marker: string; at: number }>;
  /** Requests received so far (for waiting until in-flight work has drained). */
  total: number;
}

export type ParentCommand = { type: 'collect'; markerPattern: string; forget: boolean } | { type: 'count' } | { type: 'exit' };

async function main(): Promise<void> {
  const slack = await startSlack();
  const pd = await startPagerDutyEvents();
  const send = (msg: unknown): void => { process.send?.(msg); };

  process.on('message', (cmd: ParentCommand) => {
    if (cmd.type === 'exit') {
      void Promise.all([slack.close(), pd.close()]).then(() => process.exit(0));
      return;
    }
    if (cmd.type === 'count') {
      send({ type: 'count', total: slack.requests.length + pd.requests.length });
      return;
    }
    const marker = new RegExp(cmd.markerPattern);
    const calls: Record<string, number> = {};
    for (const r of [...slack.requests, ...pd.requests]) calls[`${r.method} ${r.path}`] = (calls[`${r.method} ${r.path}`] ?? 0) + 1;
    const failures: Record<string, number> = {};
    const slackPosts: Collected['slackPosts'] = [];
    for (const r of slack.requests) {
      if (r.path !== '/api/chat.postMessage') continue;
      const args = r.form ?? (r.json as Record<string, unknown> | undefined) ?? {};
      if (args.thread_ts) continue;
      const found = marker.exec(r.body);
      if (found) slackPosts.push({ marker: found[0], at: r.at });
    }
    // Count refusals so the benchmark can tell a fast flow from one failing fast.
    const topLevel = slack.messages.length;
    const slackCalls = slack.requests.filter((r) => r.path === '/api/chat.postMessage' || r.path === '/api/chat.update').length;
    const updates = slack.messages.reduce((n, m) => n + m.updates.length, 0);
    if (slackCalls > topLevel + updates) failures['slack ok:false'] = slackCalls - topLevel - updates;
    const pdCalls = pd.requests.filter((r) => r.path === '/v2/enqueue').length;
    if (pdCalls > pd.events.length) failures['pagerduty 4xx'] = pdCalls - pd.events.length;
    const collected: Collected = { type: 'collected', calls, failures, slackPosts, total: slack.requests.length + pd.requests.length };
    if (cmd.forget) {
      slack.reset();
      pd.reset();
    }
    send(collected);
  });
  const ready: EmulatorsReady = { type: 'ready', slackApiUrl: slack.apiUrl, pagerDutyUrl: pd.url };
  send(ready);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
