// Alerts per second through the NIST example (the node-red CLI, dry-run integrations) on:
//   1. one Node-RED on the embedded context store (localfilesystem, as `npm start`),
//   2. one Node-RED on Redis,
//   3. two Node-RED on one Redis, the load split between them (as a load balancer would).
// Each alert is new (its own dedup key): alert-in opens an incident, the playbook runs Detection
// and Analysis and the enrichment and notification steps, and Containment holds it for approval.
// A fixed number of requests is kept in flight; after a warm-up, the completed alerts per second
// and the median answer time are printed. On a machine with fewer cores than processes the
// figures show the cost of sharing, not the gain of scaling.
// Run: npm run bench:instances [-- seconds per setup]   (default 15; needs /usr/bin/redis-server)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deployFlow, nistFlow } from '../test/helpers/cluster';
import { startNodeRedCli, type NodeRedProcess } from '../test/helpers/node-red-cli';
import { wazuhAlert } from '../test/helpers/payloads';
import { startRedis } from '../test/helpers/redis-server';

const SECONDS = Number(process.argv[2] ?? '15');
const WARMUP_SECONDS = 3;
const IN_FLIGHT = 16;

let sequence = 0;
function nextAlert(): unknown {
  sequence += 1;
  // A new source address and event id each time: a new incident each time.
  return wazuhAlert(`10.${(sequence >> 16) & 255}.${(sequence >> 8) & 255}.${sequence & 255}`, `1718000000.${sequence}`);
}

interface Figures { alerts: number; perSecond: number; medianMs: number; errors: number }

async function drive(targets: NodeRedProcess[], seconds: number): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const end = Date.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const target = targets[next++ % targets.length];
      const started = process.hrtime.bigint();
      const res = await fetch(`${target.url}/ir/nist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(nextAlert()) });
      await res.arrayBuffer();
      if (res.status !== 202 && res.status !== 200) errors++;
      else latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  const began = Date.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsed = (Date.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  return { alerts: latencies.length, perSecond: latencies.length / elapsed, medianMs: latencies[Math.floor(latencies.length / 2)] ?? NaN, errors };
}

async function measure(label: string, count: number, flow: Array<Record<string, unknown>>): Promise<Figures & { label: string }> {
  const dirs = Array.from({ length: count }, () => fs.mkdtempSync(path.join(os.tmpdir(), 'ir-bench-')));
  const runtimes = await Promise.all(dirs.map((dir) => startNodeRedCli(dir, { NODE_RED_CREDENTIAL_SECRET: 'bench' })));
  try {
    for (const runtime of runtimes) await deployFlow(runtime, flow);
    await drive(runtimes, WARMUP_SECONDS);
    return { label, ...(await drive(runtimes, SECONDS)) };
  } finally {
    await Promise.all(runtimes.map((r) => r.stop()));
    dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  }
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const results = [];
  try {
    results.push(await measure('1 Node-RED, context store (localfilesystem)', 1, nistFlow()));
    results.push(await measure('1 Node-RED, Redis', 1, nistFlow({ redis: { url: redis.url, keyPrefix: 'bench1:' } })));
    results.push(await measure('2 Node-RED, one Redis', 2, nistFlow({ redis: { url: redis.url, keyPrefix: 'bench2:' } })));
  } finally {
    await redis.stop();
  }
  console.log(`\nNIST example, new alerts, ${IN_FLIGHT} requests in flight, ${SECONDS} s each after ${WARMUP_SECONDS} s warm-up; ${os.cpus().length} cores, Node.js ${process.version}\n`);
  console.log('| setup | alerts/s | median answer | errors |');
  console.log('|---|---:|---:|---:|');
  const base = results[0].perSecond;
  for (const r of results) {
    console.log(`| ${r.label} | ${r.perSecond.toFixed(0)} (${(r.perSecond / base).toFixed(2)}x) | ${r.medianMs.toFixed(1)} ms | ${r.errors} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
