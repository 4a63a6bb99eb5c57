import fs from 'node:fs';
import path from 'node:path';
import type { NodeRedProcess } from './node-red-cli';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface RedisStoreConfig {
  url: string;
  password?: string;
  keyPrefix?: string;
}

/**
 * The NIST example flow; with `redis`, every node on one Redis store config node (its password
 * as a credential, as the editor deploys it), and its containment gate answering the approval
 * links to the sender (as for a verified sender). `slaMinutes` shortens the Detection and Analysis
 * SLA of high and critical incidents, whose breach is then logged to the console.
 */
export function nistFlow(options: { redis?: RedisStoreConfig; slaMinutes?: number } = {}): Array<Record<string, unknown>> {
  const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', 'NIST SP 800-61 playbook.json'), 'utf8')) as Array<Record<string, unknown>>;
  const flow = example.map((n) => {
    const node = options.redis && 'store' in n ? { ...n, store: 'ir_redis_store' } : { ...n };
    // The tests stand for a verified sender: the webhook answer carries the approval links.
    if (n.id === 'ir_nist_gate_contain') Object.assign(node, { linksInAnswer: true });
    if (options.slaMinutes !== undefined && n.id === 'ir_nist_gate_detect') Object.assign(node, { slaCritical: options.slaMinutes, slaHigh: options.slaMinutes });
    if (options.slaMinutes !== undefined && n.id === 'ir_nist_sla') Object.assign(node, { console: true });
    return node;
  });
  if (options.redis) {
    flow.push({
      id: 'ir_redis_store', type: 'ir-incident-store', name: 'shared Redis', backend: 'redis', redisUrl: options.redis.url, keyPrefix: options.redis.keyPrefix ?? 'ir:', retentionDays: 30,
      ...(options.redis.password ? { credentials: { password: options.redis.password } } : {}),
    });
  }
  return flow;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Deploys a flow through the admin API (a full deploy, as the editor's Deploy button does). */
export async function deployFlow(nodeRed: NodeRedProcess, flow: Array<Record<string, unknown>>): Promise<void> {
  const res = await fetch(`${nodeRed.url}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'node-red-deployment-type': 'full', 'node-red-api-version': 'v2' },
    body: JSON.stringify({ flows: flow }),
  });
  if (res.status !== 200) throw new Error(`deploy answered ${res.status}: ${await res.text()}`);
  // The flow's nodes now use their store: the sidebar API counts the stores in use.
  await waitFor(async () => ((await (await fetch(`${nodeRed.url}/ir/incidents`)).json()) as { stores: number }).stores === 1, 20_000, 'the deployed flow to use its store');
}
