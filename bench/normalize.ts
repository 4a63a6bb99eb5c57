// Normalizer throughput per format on one core, over payloads generated from the repository
// fixtures (IPs, ids and numbers varied). For JSON formats, the ratio to JSON.parse of the very
// same payloads in the same run. Run: npx tsc -p . && node dist/bench/normalize.js [seconds-per-format]
import * as fs from 'fs';
import * as path from 'path';
import { detectFormat, normalizeAlerts } from '../core/normalize';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures/alerts');
const NOW = new Date('2026-06-15T12:00:00.000Z');
const VARIANTS = 200;
const SECONDS = Number(process.argv[2] ?? '0.4');

/** A deterministic generator, so runs compare. */
let seed = 42;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

/** Same shape, different values: IPv4 last octets, long digit runs (ids, epochs), hex ids. */
function vary(text: string): string {
  return text
    .replace(/\b(\d{1,3}\.\d{1,3}\.\d{1,3}\.)(\d{1,3})\b/g, (_m, head: string) => head + String(1 + rnd(254)))
    .replace(/\b(\d{10})(\d{3,9})\b/g, (_m, head: string, tail: string) => head + String(rnd(10 ** Math.min(tail.length, 6))).padStart(tail.length, '0'))
    .replace(/\b([0-9a-f]{8})-/g, () => `${rnd(0xfffffff).toString(16).padStart(8, '0')}-`);
}

interface Row {
  format: string;
  payloads: number;
  alerts: number;
  perSec: number;
  jsonParsePerSec?: number;
  ratio?: number;
}

function timeLoop(payloads: string[], fn: (p: string) => number): { perSec: number; count: number } {
  // Warm up, then run whole passes until the time budget is spent.
  for (let i = 0; i < Math.min(payloads.length, 50); i++) fn(payloads[i]);
  let count = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < SECONDS * 1e9) {
    for (const p of payloads) count += fn(p);
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  return { perSec: (count / elapsed) * 1e9, count };
}

function main(): void {
  const files = fs.readdirSync(FIXTURES).filter((f) => !f.endsWith('.expected.json') && f !== 'README.md').sort();
  const byFormat = new Map<string, { json: boolean; payloads: string[] }>();
  for (const f of files) {
    const text = fs.readFileSync(path.join(FIXTURES, f), 'utf8');
    const json = /^\s*[[{]/.test(text);
    const detected = detectFormat(text);
    // Suricata and Zeek come as JSON and as text: measure the two apart.
    const id = detected === 'suricata' || detected === 'zeek' ? `${detected} (${json ? 'json' : 'text'})` : detected;
    const entry = byFormat.get(id) ?? { json, payloads: [] };
    for (let i = 0; i < VARIANTS; i++) {
      const p = vary(text);
      normalizeAlerts(p, { now: NOW }); // every generated payload must be valid
      entry.payloads.push(p);
    }
    byFormat.set(id, entry);
  }
  const rows: Row[] = [];
  let totalAlerts = 0;
  let totalNs = 0;
  for (const [format, { json, payloads }] of [...byFormat.entries()].sort()) {
    const n = timeLoop(payloads, (p) => normalizeAlerts(p, { now: NOW }).length);
    totalAlerts += n.count;
    totalNs += (n.count / n.perSec) * 1e9;
    const row: Row = { format, payloads: payloads.length, alerts: n.count, perSec: n.perSec };
    if (json) {
      const j = timeLoop(payloads, (p) => (JSON.parse(p) === null ? 0 : 1));
      row.jsonParsePerSec = j.perSec;
      row.ratio = j.perSec / n.perSec;
    }
    rows.push(row);
  }
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const lines = [
    ['format', 'payloads', 'alerts/s', 'JSON.parse/s', 'x JSON.parse'],
    ...rows.map((r) => [r.format, String(r.payloads), fmt(r.perSec), r.jsonParsePerSec ? fmt(r.jsonParsePerSec) : '-', r.ratio ? r.ratio.toFixed(1) : '-']),
  ];
  const widths = lines[0].map((_c, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const [i, l] of lines.entries()) {
    process.stdout.write(l.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ') + '\n');
    if (i === 0) process.stdout.write(widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  }
  const overall = (totalAlerts / totalNs) * 1e9;
  const worst = Math.max(...rows.filter((r) => r.ratio).map((r) => r.ratio as number));
  process.stdout.write(`\noverall: ${fmt(overall)} alerts/s (target >= 20,000); worst JSON format ${worst.toFixed(1)}x JSON.parse (target <= 10x)\n`);
  process.stdout.write(`node ${process.version}, ${SECONDS}s per format, one core\n`);
}

main();
