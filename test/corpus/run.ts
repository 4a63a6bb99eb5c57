// Acceptance run over an alert corpus folder: for every payload X with X.expected.json, normalize X
// with an injected clock and compare with the oracle. Usage: node dist/test/corpus/run.js <folder>
import * as fs from 'fs';
import * as path from 'path';
import type { NormalizedAlert } from '../../core/model/types';
import { normalizeAlert } from '../../core/normalize';

/** The receipt time the oracles assume (ingest and ingest-year rules). */
export const CORPUS_NOW = new Date('2026-06-15T12:00:00.000Z');

interface ExpectedObservable {
  type: string;
  value: string;
}

interface Expected {
  file: string;
  source: string;
  title: string;
  severity: string;
  severityIsDefault: boolean;
  timestamp: string | null;
  timestampRule: 'source' | 'ingest' | 'ingest-year';
  status?: string;
  observables: { must: ExpectedObservable[]; may?: ExpectedObservable[]; mustNot: ExpectedObservable[] };
}

/** ISO time truncated to milliseconds, in one canonical spelling ("...T12:00:00.000Z"). */
export function toMillis(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  if (!m) return `unparseable(${iso})`;
  return `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

export function compare(alert: NormalizedAlert, exp: Expected, now: Date): string[] {
  const diffs: string[] = [];
  const eq = (what: string, got: unknown, want: unknown): void => {
    if (got !== want) diffs.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  eq('source', alert.source, exp.source);
  eq('title', alert.title, exp.title);
  eq('severity', alert.severity, exp.severity);
  eq('severityIsDefault', alert.severityRaw === undefined, exp.severityIsDefault);
  eq('timestampRule', alert.timestampRule, exp.timestampRule);
  const wantTime = exp.timestamp === null ? now.toISOString() : exp.timestamp;
  eq('timestamp (ms)', toMillis(alert.timestamp), toMillis(wantTime));
  if (exp.status !== undefined) eq('status', alert.status, exp.status);
  for (const m of exp.observables.must) {
    if (!alert.observables.some((o) => o.type === m.type && o.value === m.value)) {
      const other = alert.observables.find((o) => o.value === m.value);
      diffs.push(`missing observable ${m.type} ${JSON.stringify(m.value)}${other ? ` (present as ${other.type})` : ''}`);
    }
  }
  for (const m of exp.observables.mustNot) {
    const hit = alert.observables.find((o) => o.value === m.value && (m.type === 'any' || o.type === m.type));
    if (hit) diffs.push(`forbidden observable ${hit.type} ${JSON.stringify(m.value)}`);
  }
  return diffs;
}

function main(argv: string[]): number {
  const folder = argv[2];
  if (!folder) {
    process.stderr.write('usage: npm run test:corpus <folder>   (node dist/test/corpus/run.js <folder>)\n' +
      '  <folder> holds payloads X with their oracles X.expected.json\n');
    return 2;
  }
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    process.stderr.write(`corpus folder not found: ${folder}\n`);
    return 2;
  }
  const files = fs.readdirSync(folder).sort();
  const payloads = files.filter((f) => !f.endsWith('.expected.json') && files.includes(`${f}.expected.json`));
  if (payloads.length === 0) {
    process.stderr.write(`no payloads with an X.expected.json oracle in ${folder}\n`);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  for (const file of payloads) {
    let diffs: string[];
    try {
      const exp = JSON.parse(fs.readFileSync(path.join(folder, `${file}.expected.json`), 'utf8')) as Expected;
      const payload = fs.readFileSync(path.join(folder, file));
      const alert = normalizeAlert(payload, { now: CORPUS_NOW });
      diffs = compare(alert, exp, CORPUS_NOW);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      diffs = [`threw ${err.code ? `[${err.code}] ` : ''}${err.message ?? String(e)}`];
    }
    if (diffs.length === 0) {
      passed++;
      process.stdout.write(`ok    ${file}\n`);
    } else {
      failed++;
      process.stdout.write(`FAIL  ${file}\n${diffs.map((d) => `        - ${d}`).join('\n')}\n`);
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv);
