// Soak: many incidents through the NIST SP 800-61 example (dry-run) on the real Node-RED with
// retention on, sampling the Node-RED process's memory (RSS, V8 heap after a full GC) and the store's size
// (incidents held, the context file on disk) over time. Passes when each levels off: its
// growth rate over the last quarter of the run is at most a quarter of the first quarter's, or
// negligible (under 5% of its value over that quarter).
//
//   npm run bench:soak
//   IR_SOAK_COUNT=2000 IR_SOAK_RETENTION_S=5 IR_SOAK_SWEEP_S=2 npm run bench:soak   (a short check)
// Environment: IR_SOAK_COUNT (incidents, default 100000), IR_SOAK_CONNECTIONS (default 8),
// IR_SOAK_RETENTION_S (how long a resolved incident is kept, default 30 s: the store's
// retentionDays set to that fraction of a day), IR_SOAK_SWEEP_S (retention sweep interval,
// default 10 s; Node-RED's is hourly), IR_SOAK_SAMPLE_S (default 5 s), IR_BENCH_CONTEXT=memory.
import autocannon from 'autocannon';
import fs from 'node:fs';
import path from 'node:path';
import { copyFlow, flowStoreProbe, nistExample } from './flows';
import { alertBody, machine, mib, sleep, startNodeRed } from './harness';

const COUNT = Number(process.env.IR_SOAK_COUNT ?? 100_000);
const CONNECTIONS = Number(process.env.IR_SOAK_CONNECTIONS ?? 8);
const RETENTION_S = Number(process.env.IR_SOAK_RETENTION_S ?? 30);
const SWEEP_S = Number(process.env.IR_SOAK_SWEEP_S ?? 10);
const SAMPLE_S = Number(process.env.IR_SOAK_SAMPLE_S ?? 5);

interface Sample { t: number; sent: number; rss: number; heapUsed: number; incidents: number; fileBytes: number }

/** The example with its own incident store config node: retention in seconds, not days. */
function soakFlow(): Array<Record<string, unknown>> {
  const storeId = 'bench_soak_store';
  const flow = copyFlow(nistExample(), 'bench_soak_').map((node) => ('store' in node ? { ...node, store: storeId } : node));
  return [
    ...flow,
    { id: storeId, type: 'ir-incident-store', name: `retention ${RETENTION_S} s`, backend: 'context', contextStore: '', retentionDays: RETENTION_S / 86_400 },
    ...flowStoreProbe(),
  ];
}

/** Least-squares slope of y over t (per second). */
function slope(points: Array<{ t: number; y: number }>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.t - mt) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return den ? num / den : 0;
}

function levelsOff(samples: Sample[], pick: (s: Sample) => number): { first: number; last: number; flat: boolean } {
  const t0 = samples[0]!.t;
  const span = samples.at(-1)!.t - t0;
  const quarter = (from: number, to: number): Array<{ t: number; y: number }> =>
    samples.filter((s) => s.t - t0 >= from * span && s.t - t0 <= to * span).map((s) => ({ t: s.t, y: pick(s) }));
  const firstQ = quarter(0, 0.25);
  const lastQ = quarter(0.75, 1);
  const first = slope(firstQ);
  const last = slope(lastQ);
  const lastMean = lastQ.reduce((s, p) => s + p.y, 0) / Math.max(1, lastQ.length);
  const lastGrowth = last * (span / 4);
  const flat = last <= Math.max(0, first) / 4 || lastGrowth < 0.05 * lastMean;
  return { first, last, flat };
}

async function main(): Promise<void> {
  console.log(`soak: ${COUNT.toLocaleString('en-US')} incidents through the NIST SP 800-61 example (dry-run), ${CONNECTIONS} connections`);
  console.log(`retention ${RETENTION_S} s after resolution, swept every ${SWEEP_S} s; ${machine()}\n`);
  // --expose-gc: each sample reads the heap after a full collection (the live set), so the GC
  // sawtooth does not pass for growth; a collection every few seconds costs the run little.
  const nodeRed = await startNodeRed({ sweepMs: SWEEP_S * 1000, context: process.env.IR_BENCH_CONTEXT, nodeArgs: ['--expose-gc'] });
  const contextFile = path.join(nodeRed.userDir, 'context', 'global', 'global.json');
  const samples: Sample[] = [];
  let sent = 0;
  const started = Date.now();
  const sample = async (): Promise<void> => {
    const [memory, store] = await Promise.all([
      nodeRed.memory(true),
      fetch(`${nodeRed.url}/bench/store`).then(async (r) => (await r.json()) as { incidents: number }),
    ]);
    const fileBytes = fs.existsSync(contextFile) ? fs.statSync(contextFile).size : 0;
    const s: Sample = { t: (Date.now() - started) / 1000, sent, rss: nodeRed.rss().rss, heapUsed: memory.heapUsed, incidents: store.incidents, fileBytes };
    samples.push(s);
    console.log(`  ${s.t.toFixed(0).padStart(5)} s  ${String(s.sent).padStart(7)} sent  RSS ${mib(s.rss).padStart(8)}  heap ${mib(s.heapUsed).padStart(8)}  store ${String(s.incidents).padStart(6)} incidents  context file ${mib(s.fileBytes).padStart(7)}`);
  };
  try {
    await nodeRed.deploy(soakFlow());
    await sleep(500);
    await sample();
    let running = true;
    const sampler = (async () => {
      while (running) {
        await sleep(SAMPLE_S * 1000);
        if (running) await sample();
      }
    })();
    const result = await autocannon({
      url: `${nodeRed.url}/ir/nist`,
      connections: CONNECTIONS,
      amount: COUNT,
      timeout: 60,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: alertBody(sent++) }) }],
    });
    running = false;
    await sampler;
    await sample();
    const seconds = (Date.now() - started) / 1000;
    console.log(`\n${result['2xx'].toLocaleString('en-US')} answered 2xx, ${result.non2xx} other, ${result.errors + result.timeouts} errors in ${seconds.toFixed(0)} s (${(result['2xx'] / result.duration).toFixed(0)} alerts/s); peak RSS ${mib(nodeRed.rss().peak)}`);

    const metrics: Array<[string, (s: Sample) => number, (v: number) => string]> = [
      ['RSS', (s) => s.rss, (v) => `${(v / 2 ** 20).toFixed(2)} MiB/s`],
      ['V8 heap after GC', (s) => s.heapUsed, (v) => `${(v / 2 ** 20).toFixed(2)} MiB/s`],
      ['incidents in store', (s) => s.incidents, (v) => `${v.toFixed(1)}/s`],
      ['context file', (s) => s.fileBytes, (v) => `${(v / 2 ** 20).toFixed(2)} MiB/s`],
    ];
    console.log('\n| metric | growth, first quarter | growth, last quarter | levels off |\n|:--|--:|--:|:--|');
    let allFlat = true;
    for (const [name, pick, unit] of metrics) {
      const { first, last, flat } = levelsOff(samples, pick);
      allFlat &&= flat;
      console.log(`| ${name} | ${unit(first)} | ${unit(last)} | ${flat ? 'yes' : 'NO'} |`);
    }
    if (samples.length < 8) console.log(`\nonly ${samples.length} samples: run longer (IR_SOAK_COUNT) or sample more often (IR_SOAK_SAMPLE_S) for a meaningful slope`);
    console.log(`\ntarget: soak memory and store level off: ${allFlat ? 'met' : 'NOT met'}`);
  } finally {
    await nodeRed.stop();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
