// What the playbook benchmarks share: the real Node-RED CLI in a child process on a temporary
// user directory (npm start's settings plus bench/node-red-settings.ts), the emulators child,
// varied alert payloads, an open-loop paced load generator, and process memory readings.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { wazuhAlert } from '../test/helpers/payloads';
import type { Collected, EmulatorsReady, ParentCommand } from './emulators';

export const ROOT = path.resolve(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Payloads: a medium Wazuh sshd alert (runs straight through the NIST example: no approval hold)
// with a distinct source address, agent and id per request, so every request opens a new
// incident instead of joining one. The source address is the marker that finds the alert's
// Slack message again: 198.18.0.0/15, the range set aside for benchmarks (RFC 2544).

export function markerOf(n: number): string {
  const k = n % (1 << 17);
  return `198.${18 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`;
}

/** The regular expression (source) that finds a marker in a Slack request body. */
export const MARKER_PATTERN = '198\\.1[89]\\.\\d{1,3}\\.\\d{1,3}';

const RUN = Date.now();

export function alertBody(n: number): string {
  const alert = wazuhAlert(markerOf(n), `${RUN}.${n}`);
  (alert.agent as Record<string, unknown>).name = `web-${n}`;
  return JSON.stringify(alert);
}

// ---------------------------------------------------------------------------------------------
// Node-RED

export interface NodeRedOptions {
  /** Retention sweep interval (ms); hourly when left out. */
  sweepMs?: number;
  /** Context store module for incidents ('memory'); npm start's localfilesystem when left out. */
  context?: string;
  /** Write a V8 CPU profile of Node-RED into this directory (node --cpu-prof), on stop. */
  profileDir?: string;
  /** Extra options for node, e.g. --expose-gc. */
  nodeArgs?: string[];
}

export interface BenchNodeRed {
  url: string;
  pid: number;
  userDir: string;
  output(): string;
  deploy(flows: object[]): Promise<void>;
  /** VmRSS and VmHWM (peak since start or the last resetPeak) of the Node-RED process, bytes. */
  rss(): { rss: number; peak: number };
  resetPeak(): void;
  /** process.memoryUsage() inside Node-RED (the bench settings' admin endpoint), after a full GC if asked and exposed. */
  memory(collect?: boolean): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

export async function startNodeRed(options: NodeRedOptions = {}): Promise<BenchNodeRed> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-bench-'));
  fs.writeFileSync(path.join(userDir, 'flows.json'), '[]');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, IR_USER_DIR: userDir, PORT: String(port) };
  delete env.IR_SETTINGS_JSON;
  if (options.sweepMs) env.IR_BENCH_SWEEP_MS = String(options.sweepMs);
  if (options.context) env.IR_BENCH_CONTEXT = options.context;
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [
    ...profile, ...(options.nodeArgs ?? []), require.resolve('node-red/red.js'), '-u', userDir, '-s', path.join(__dirname, 'node-red-settings.js'), '-p', String(port),
  ], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`Node-RED exited:\n${output}`);
    try {
      const res = await fetch(`${url}/flows`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`Node-RED did not answer within 120 s:\n${output}`);
    await sleep(200);
  }
  const statusFile = `/proc/${child.pid}/status`;
  const kb = (text: string, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) * 1024;
  return {
    url,
    pid: child.pid!,
    userDir,
    output: () => output,
    async deploy(flows) {
      const res = await fetch(`${url}/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
        body: JSON.stringify(flows),
      });
      if (!res.ok) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
    },
    rss() {
      const text = fs.readFileSync(statusFile, 'utf8');
      return { rss: kb(text, 'VmRSS'), peak: kb(text, 'VmHWM') };
    },
    resetPeak() {
      // Linux: writing 5 to clear_refs resets the peak resident set size to the current one.
      fs.writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
    },
    async memory(collect = false) {
      const res = await fetch(`${url}/bench/memory${collect ? '?gc=1' : ''}`);
      return (await res.json()) as NodeJS.MemoryUsage;
    },
    stop: () => new Promise<void>((resolve) => {
      const done = (): void => {
        fs.rmSync(userDir, { recursive: true, force: true });
        resolve();
      };
      if (exited) return done();
      child.removeAllListeners('exit');
      child.on('exit', done);
      child.kill('SIGINT');
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Emulators child

export interface Emulators {
  slackApiUrl: string;
  pagerDutyUrl: string;
  /** What arrived since the last collect; forgets it. Waits until in-flight calls have drained. */
  collect(): Promise<Collected>;
  close(): Promise<void>;
}

export async function startEmulators(): Promise<Emulators> {
  const child = fork(path.join(__dirname, 'emulators.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(type: string): Promise<T> => new Promise((resolve) => {
    const on = (msg: { type: string }): void => {
      if (msg.type !== type) return;
      child.off('message', on);
      resolve(msg as T);
    };
    child.on('message', on);
  });
  const ready = await next<EmulatorsReady>('ready');
  const send = (cmd: ParentCommand): void => { child.send(cmd); };
  return {
    slackApiUrl: ready.slackApiUrl,
    pagerDutyUrl: ready.pagerDutyUrl,
    async collect() {
      // Requests abandoned by the load generator at the end of a run still finish in Node-RED.
      let last = -1;
      for (;;) {
        const counted = next<{ total: number }>('count');
        send({ type: 'count' });
        const { total } = await counted;
        if (total === last) break;
        last = total;
        await sleep(300);
      }
      const collected = next<Collected>('collected');
      send({ type: 'collect', markerPattern: MARKER_PATTERN, forget: true });
      return collected;
    },
    close: () => new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      send({ type: 'exit' });
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Open-loop load at a fixed rate: request i is due at start + i/rate, whatever the answers do,
// and its latency counts from when it was due (so a stalled server is not hidden by a
// generator that waits for it). autocannon's rate option sends each second's quota in a burst
// at the start of the second, which measures bursts, not a steady half load.

export interface PacedResult {
  sent: number;
  ok: number;
  failed: Record<string, number>;
  /** Milliseconds from due time to the full answer, sorted. */
  latencies: number[];
  /** Date.now() when each marker's request was sent. */
  sentAt: Map<string, number>;
  achievedRate: number;
}

export async function paced(url: string, rate: number, seconds: number, body: (n: number) => string, firstN: number, marker: (n: number) => string): Promise<PacedResult> {
  const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  const failed: Record<string, number> = {};
  const sentAt = new Map<string, number>();
  let ok = 0;
  const inflight: Array<Promise<void>> = [];
  const start = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && start + (i * 1000) / rate <= now) {
      const due = start + (i * 1000) / rate;
      const n = firstN + i;
      sentAt.set(marker(n), Date.now());
      inflight.push(request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(n), dispatcher }).then(async (res) => {
        await res.body.dump();
        latencies.push(performance.now() - due);
        if (res.statusCode === 200) ok += 1;
        else failed[String(res.statusCode)] = (failed[String(res.statusCode)] ?? 0) + 1;
      }, (err: Error) => {
        failed[err.message] = (failed[err.message] ?? 0) + 1;
      }));
      i += 1;
    }
    await sleep(Math.max(0, Math.min(5, start + (i * 1000) / rate - performance.now())));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  await dispatcher.close();
  latencies.sort((a, b) => a - b);
  return { sent: total, ok, failed, latencies, sentAt, achievedRate: ok / elapsed };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function machine(): string {
  const nodeRed = (JSON.parse(fs.readFileSync(require.resolve('node-red/package.json'), 'utf8')) as { version: string }).version;
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node.js ${process.version}, Node-RED ${nodeRed}, ${os.platform()} ${os.release()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
