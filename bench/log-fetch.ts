// Scan throughput of log-fetch's files backend over a generated JSON-lines log (1 GiB by
// default; IR_BENCH_LOG_MB=256 for a smaller one), searching for 3 observables over a window
// that covers the whole file (every byte is read), against `LC_ALL=C grep -F -f` over the same
// file in the same run. The page cache is warmed first; rounds alternate between the two and
// the median is reported. Each scan runs in a child process so its peak RSS is its own.
// Run: npm run bench:log-fetch   (the file goes to os.tmpdir() and is deleted afterwards)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { searchFiles, type LogQuery } from '../core/logs';

const OBSERVABLES = [
  { type: 'ip' as const, value: '198.51.100.23' },
  { type: 'user' as const, value: 'mallory' },
  { type: 'domain' as const, value: 'evil-c2.example' },
];
const START = Date.parse('2026-02-10T00:00:00.000Z');
const SPAN_MS = 24 * 3600 * 1000;
const ROUNDS = Number(process.env.IR_BENCH_ROUNDS ?? 3);

let seed = 8;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

/** Write `bytes` of JSON lines in time order; about 1 line in 10,000 names one of the observables. */
function generate(file: string, bytes: number): { lines: number; hits: number } {
  const fd = fs.openSync(file, 'w');
  let approxLines = Math.ceil(bytes / 170);
  let written = 0;
  let lines = 0;
  let hits = 0;
  const services = ['portal', 'api', 'auth', 'billing', 'search'];
  const verbs = ['GET', 'POST', 'PUT', 'DELETE'];
  try {
    while (written < bytes) {
      const batch: string[] = [];
      for (let i = 0; i < 20_000; i++) {
        const t = new Date(START + Math.min(SPAN_MS, Math.floor((lines / approxLines) * SPAN_MS))).toISOString();
        const r = rnd(30_000);
        const ip = r === 0 ? OBSERVABLES[0].value : `10.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
        const user = r === 1 ? OBSERVABLES[1].value : `user${rnd(100000)}`;
        const path = r === 2 ? `/r?to=${OBSERVABLES[2].value}` : `/api/items/${rnd(1_000_000)}`;
        if (r < 3) hits += 1;
        batch.push(`{"@timestamp":"${t}","host":{"name":"web-${rnd(40)}"},"service":"${services[rnd(5)]}","user":"${user}","source_ip":"${ip}","message":"${verbs[rnd(4)]} ${path} ${200 + rnd(4) * 100} ${rnd(900)}ms"}`);
        lines += 1;
      }
      const chunk = Buffer.from(batch.join('\n') + '\n');
      fs.writeSync(fd, chunk);
      written += chunk.length;
      approxLines = Math.ceil(bytes / (written / lines)); // the real line length so far
    }
  } finally {
    fs.closeSync(fd);
  }
  return { lines, hits };
}

interface ScanFigures { ms: number; total: number; bytesRead: number; maxRssMb: number }

/** Child mode: one scan, figures on stdout. */
async function scanChild(file: string, from: string, to: string): Promise<void> {
  const query: LogQuery = { from, to, observables: OBSERVABLES, terms: [], limit: 10_000 };
  const started = process.hrtime.bigint();
  const r = await searchFiles(query, { paths: [file], baseDir: '/' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const figures: ScanFigures = { ms, total: r.total, bytesRead: Number(r.stats?.bytesRead ?? 0), maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(figures));
}

function scan(file: string, from: string, to: string): ScanFigures {
  const out = execFileSync(process.execPath, [__filename, '--scan', file, from, to], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as ScanFigures;
}

function grep(file: string, patterns: string): { ms: number; count: number } {
  const started = process.hrtime.bigint();
  const r = spawnSync('grep', ['-c', '-F', '-f', patterns, file], { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`grep failed: ${r.stderr}`);
  return { ms, count: Number(r.stdout.trim()) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const mb = Number(process.env.IR_BENCH_LOG_MB ?? 1024);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-bench-logs-'));
  const file = path.join(dir, 'app.jsonl');
  const patterns = path.join(dir, 'patterns');
  try {
    process.stdout.write(`generating ${mb} MiB of JSON lines in ${dir} … `);
    const generated = generate(file, mb * 1024 * 1024);
    const size = fs.statSync(file).size;
    fs.writeFileSync(patterns, OBSERVABLES.map((o) => o.value).join('\n') + '\n');
    console.log(`${generated.lines.toLocaleString('en-US')} lines, ${generated.hits} name an observable`);
    // Warm the page cache (both tools then read from memory).
    grep(file, patterns);
    const whole = { from: new Date(START).toISOString(), to: new Date(START + SPAN_MS).toISOString() };
    const grepMs: number[] = [];
    const scanMs: number[] = [];
    let rss = 0;
    let counts = { grep: 0, scan: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      const gr = grep(file, patterns);
      const sc = scan(file, whole.from, whole.to);
      grepMs.push(gr.ms);
      scanMs.push(sc.ms);
      rss = Math.max(rss, sc.maxRssMb);
      counts = { grep: gr.count, scan: sc.total };
      console.log(`  round ${i + 1}: grep ${gr.ms.toFixed(0)} ms, log-fetch ${sc.ms.toFixed(0)} ms`);
    }
    // A one-hour window in the middle: files backend skips what lies after it.
    const hour = { from: new Date(START + 11 * 3600_000).toISOString(), to: new Date(START + 12 * 3600_000).toISOString() };
    const narrow = scan(file, hour.from, hour.to);
    const mibs = (ms: number): number => size / 1024 / 1024 / (ms / 1000);
    const g = median(grepMs);
    const s = median(scanMs);
    console.log('');
    console.log(`file                 ${(size / 1024 / 1024).toFixed(0)} MiB, ${os.cpus().length} cores, Node.js ${process.versions.node}`);
    console.log(`grep -F -f (LC_ALL=C) ${mibs(g).toFixed(0)} MiB/s (${g.toFixed(0)} ms, ${counts.grep} lines)`);
    console.log(`log-fetch files       ${mibs(s).toFixed(0)} MiB/s (${s.toFixed(0)} ms, ${counts.scan} events)   target >= 300 MiB/s: ${mibs(s) >= 300 ? 'met' : 'NOT met'}`);
    console.log(`ratio                 ${(s / g).toFixed(2)}x grep's time   target <= 5x: ${s / g <= 5 ? 'met' : 'NOT met'}`);
    console.log(`peak RSS of the scan  ${rss.toFixed(0)} MiB (file ${(size / 1024 / 1024).toFixed(0)} MiB)`);
    console.log(`1-hour window         ${narrow.ms.toFixed(0)} ms, ${narrow.total} events, ${(narrow.bytesRead / 1024 / 1024).toFixed(0)} MiB read`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--scan') {
  scanChild(process.argv[3], process.argv[4], process.argv[5]).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
