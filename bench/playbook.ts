// Whole-playbook benchmark: the real Node-RED (CLI, npm start's settings, a temporary user dir)
// with four flows deployed side by side, measured in the same run:
//   A     the NIST SP 800-61 example in dry-run (this package's own cost)
//   B     the same example in live mode against the Slack and PagerDuty emulators
//   bare  http in → change → http response
//   hand  the calls B makes, wired by hand from core nodes (function, http request, change)
// For each: sustained alerts/s with autocannon at several concurrency levels (closed loop, each
// request a distinct medium alert, so each opens its own incident), then latency at half the
// best rate with an open-loop paced generator, the time from POST to the Slack emulator
// receiving the incident's message, and the Node-RED process's peak RSS.
//
//   npm run bench
//   IR_BENCH_SECONDS=3 IR_BENCH_LEVELS=1,8 npm run bench     (a short check)
// Environment: IR_BENCH_SECONDS (per level and for the paced run, default 10), IR_BENCH_LEVELS
// (connections, default 1,8,32,64), IR_BENCH_WARMUP (seconds, default 3), IR_BENCH_FLOWS
// (default bare,hand,A,B), IR_BENCH_CONTEXT=memory (incidents in the memory context store
// instead of npm start's localfilesystem), IR_BENCH_PROFILE=<dir> (a CPU profile of Node-RED
// over the whole run, summarized at the end: run one flow at a time, e.g. IR_BENCH_FLOWS=A).
import autocannon from 'autocannon';
import fs from 'node:fs';
import path from 'node:path';
import type { Collected } from './emulators';
import { flowA, flowB, flowBare, flowHand, flowStoreProbe } from './flows';
import { newestProfile, printSummary } from './profile';
import {
  alertBody, machine, markerOf, mib, paced, percentile, sleep, startEmulators, startNodeRed,
  type BenchNodeRed, type Emulators, type PacedResult,
} from './harness';

const SECONDS = Number(process.env.IR_BENCH_SECONDS ?? 10);
const LEVELS = (process.env.IR_BENCH_LEVELS ?? '1,8,32,64').split(',').map(Number);
const WARMUP = Number(process.env.IR_BENCH_WARMUP ?? 3);
const FLOWS = (process.env.IR_BENCH_FLOWS ?? 'bare,hand,A,B').split(',');

interface FlowUnderTest {
  key: string;
  label: string;
  path: string;
  /** Makes outbound calls (Slack, PagerDuty): time to Slack is measured. */
  outbound: boolean;
}

// Baselines first: they see an empty store. A's incidents stay in the store while B runs (as in
// a deployment that has been up for a while); both pay for their own.
const UNDER_TEST: FlowUnderTest[] = [
  { key: 'bare', label: 'bare: http in → change → http response', path: '/bench/bare', outbound: false },
  { key: 'hand', label: 'hand-built: function + http request (core nodes)', path: '/bench/hand', outbound: true },
  { key: 'A', label: 'A: NIST example, dry-run', path: '/ir/nist', outbound: false },
  { key: 'B', label: 'B: NIST example, live against the emulators', path: '/ir/nist-live', outbound: true },
];

interface LevelResult { connections: number; rate: number; p50: number; p99: number; non2xx: number; errors: number }

interface FlowResult {
  flow: FlowUnderTest;
  levels: LevelResult[];
  best: LevelResult;
  half: PacedResult;
  halfRate: number;
  toSlack?: { p50: number; p99: number; count: number; missing: number };
  callsPerAlert?: Record<string, number>;
  failures: Record<string, number>;
  peakRss: number;
}

// Every request to A, B and hand-built gets its own number, so no two alerts share a marker
// (source address, 131,072 of them); the bare flow counts on its own.
let counter = 0;
let bareCounter = 1 << 20;

async function closedLoop(nodeRed: BenchNodeRed, path: string, connections: number, seconds: number): Promise<LevelResult> {
  const result = await autocannon({
    url: `${nodeRed.url}${path}`,
    connections,
    duration: seconds,
    timeout: 30,
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: alertBody(path === '/bench/bare' ? bareCounter++ : counter++) }),
    }],
  });
  const ok = result['2xx'];
  return {
    connections,
    rate: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

async function measure(nodeRed: BenchNodeRed, emulators: Emulators, flow: FlowUnderTest): Promise<FlowResult> {
  const failures: Record<string, number> = {};
  if (WARMUP > 0) await closedLoop(nodeRed, flow.path, 8, WARMUP);
  add(failures, (await emulators.collect()).failures);
  nodeRed.resetPeak();

  const levels: LevelResult[] = [];
  for (const connections of LEVELS) {
    const level = await closedLoop(nodeRed, flow.path, connections, SECONDS);
    levels.push(level);
    add(failures, (await emulators.collect()).failures);
    console.log(`  ${flow.key.padEnd(5)} ${String(connections).padStart(3)} connections: ${level.rate.toFixed(0).padStart(6)} alerts/s  p50 ${level.p50} ms  p99 ${level.p99} ms${level.non2xx ? `  non-2xx ${level.non2xx}` : ''}${level.errors ? `  errors ${level.errors}` : ''}`);
  }
  const best = levels.reduce((a, b) => (b.rate > a.rate ? b : a));

  // Half the best rate, paced: the latency a deployment sees with headroom.
  const halfRate = Math.max(1, best.rate / 2);
  const bare = flow.key === 'bare';
  const half = await paced(`${nodeRed.url}${flow.path}`, halfRate, SECONDS, alertBody, bare ? bareCounter : counter, markerOf);
  if (bare) bareCounter += half.sent;
  else counter += half.sent;
  if (counter > 1 << 17) console.log(`  warning: ${counter} alerts sent, more than the 131,072 distinct source addresses: later ones may join earlier incidents`);
  const collected: Collected = await emulators.collect();
  add(failures, collected.failures);
  for (const [k, v] of Object.entries(half.failed)) failures[`answer ${k}`] = (failures[`answer ${k}`] ?? 0) + v;
  console.log(`  ${flow.key.padEnd(5)} paced at ${halfRate.toFixed(0)}/s: achieved ${half.achievedRate.toFixed(0)}/s  p50 ${percentile(half.latencies, 50).toFixed(1)} ms  p99 ${percentile(half.latencies, 99).toFixed(1)} ms`);

  let toSlack: FlowResult['toSlack'];
  let callsPerAlert: FlowResult['callsPerAlert'];
  if (flow.outbound) {
    const delays: number[] = [];
    for (const post of collected.slackPosts) {
      const sent = half.sentAt.get(post.marker);
      if (sent !== undefined) delays.push(post.at - sent);
    }
    delays.sort((a, b) => a - b);
    toSlack = { p50: percentile(delays, 50), p99: percentile(delays, 99), count: delays.length, missing: half.sent - delays.length };
    callsPerAlert = Object.fromEntries(Object.entries(collected.calls).map(([k, v]) => [k, v / half.sent]));
  }
  const store = (await (await fetch(`${nodeRed.url}/bench/store`)).json()) as { incidents: number };
  const peakRss = nodeRed.rss().peak;
  console.log(`  ${flow.key.padEnd(5)} peak RSS ${mib(peakRss)}; ${store.incidents} incidents in the store after it`);
  return { flow, levels, best, half, halfRate, toSlack, callsPerAlert, failures, peakRss };
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`whole-playbook benchmark: ${machine()}`);
  console.log(`levels ${LEVELS.join(', ')} connections × ${SECONDS} s, warm-up ${WARMUP} s, incidents in ${process.env.IR_BENCH_CONTEXT ?? 'localfilesystem (as npm start)'} context\n`);
  const emulators = await startEmulators();
  const profileDir = process.env.IR_BENCH_PROFILE ? path.resolve(process.env.IR_BENCH_PROFILE) : undefined;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const nodeRed = await startNodeRed({ context: process.env.IR_BENCH_CONTEXT, profileDir });
  const results: FlowResult[] = [];
  try {
    await nodeRed.deploy([
      ...flowBare(), ...flowA(), ...flowHand(emulators.slackApiUrl, emulators.pagerDutyUrl),
      ...flowB(emulators.slackApiUrl, emulators.pagerDutyUrl), ...flowStoreProbe(),
    ]);
    await sleep(500);
    for (const flow of UNDER_TEST.filter((f) => FLOWS.includes(f.key))) {
      console.log(`${flow.label}`);
      results.push(await measure(nodeRed, emulators, flow));
    }
    const store = (await (await fetch(`${nodeRed.url}/bench/store`)).json()) as { incidents: number };
    const memory = await nodeRed.memory();

    console.log(`\n${table(
      ['flow', 'alerts/s (best)', 'at connections', '½ rate: sent/s', 'achieved/s', 'p50 ms', 'p99 ms', 'POST→Slack p50 ms', 'POST→Slack p99 ms', 'peak RSS'],
      results.map((r) => [
        r.flow.label, fmt(r.best.rate), String(r.best.connections), fmt(r.halfRate), fmt(r.half.achievedRate) + (r.half.achievedRate < 0.95 * r.halfRate ? ' (behind)' : ''),
        fmt(percentile(r.half.latencies, 50), 1), fmt(percentile(r.half.latencies, 99), 1),
        r.toSlack ? fmt(r.toSlack.p50, 0) : '–', r.toSlack ? fmt(r.toSlack.p99, 0) : '–', mib(r.peakRss),
      ]),
    )}`);
    console.log(`\nalerts/s per concurrency level:\n${table(
      ['flow', ...LEVELS.map((c) => `${c} conn.`)],
      results.map((r) => [r.flow.key, ...r.levels.map((l) => fmt(l.rate))]),
    )}`);
    for (const r of results.filter((x) => x.callsPerAlert)) {
      console.log(`calls per alert, ${r.flow.key}: ${Object.entries(r.callsPerAlert!).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}; POST→Slack matched ${r.toSlack!.count} of ${r.half.sent}`);
    }
    if (results.some((r) => r.half.achievedRate < 0.95 * r.halfRate)) {
      console.log('(behind): the paced run did not keep up with half the best rate, so its latencies are those of a saturated flow (a busy machine, or a flow that slows as its store grows)');
    }
    for (const r of results) {
      const bad = Object.entries(r.failures);
      const refused = r.levels.reduce((n, l) => n + l.non2xx + l.errors, 0);
      if (bad.length || refused) console.log(`FAILURES in ${r.flow.key}: ${refused} non-2xx or errors under load; ${bad.map(([k, v]) => `${k}: ${v}`).join(', ')}`);
    }
    console.log(`store at the end: ${store.incidents} incidents; Node-RED heap ${mib(memory.heapUsed)} used of ${mib(memory.heapTotal)}, RSS ${mib(memory.rss)}`);

    const byKey = (k: string): FlowResult | undefined => results.find((r) => r.flow.key === k);
    const bare = byKey('bare');
    const a = byKey('A');
    const hand = byKey('hand');
    const b = byKey('B');
    console.log('\ntargets (2-core machine):');
    const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
    if (a && bare) {
      const ratio = a.best.rate / bare.best.rate;
      console.log(`  A / bare throughput = ${(ratio * 100).toFixed(1)}% (target ≥ 50%): ${verdict(ratio >= 0.5)}`);
    }
    if (b && hand) {
      const ratio = b.best.rate / hand.best.rate;
      const bP99 = percentile(b.half.latencies, 99);
      const hP99 = percentile(hand.half.latencies, 99);
      console.log(`  B / hand-built throughput = ${(ratio * 100).toFixed(1)}% (target ≥ 100%): ${verdict(ratio >= 1)}`);
      console.log(`  B p99 at ½ = ${bP99.toFixed(1)} ms vs hand-built ${hP99.toFixed(1)} ms (target lower): ${verdict(bP99 < hP99)}`);
    }
    if (b?.toSlack) console.log(`  B alert → Slack p50 = ${b.toSlack.p50.toFixed(0)} ms (target < 20 ms): ${verdict(b.toSlack.p50 < 20)}`);
    console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  } finally {
    await nodeRed.stop();
    await emulators.close();
  }
  const profile = profileDir && newestProfile(profileDir);
  if (profile) printSummary(profile);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
