// Where the time goes: a V8 CPU profile (node --cpu-prof) of the Node-RED process, summed by
// self time per function and per area (this package's core and nodes, Node-RED, dependencies,
// Node.js itself, garbage collection, idle).
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const at = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(at);
  if (pkg) return pkg[1]!.startsWith('@node-red/') || pkg[1] === 'node-red' ? 'Node-RED' : `dependency ${pkg[1]}`;
  const own = /\/dist\/(core|nodes|plugins)\/([^/]+)/.exec(at);
  if (own) return `this package: ${own[1]}/${own[2]}`;
  if (at.startsWith('node:')) return 'Node.js';
  return path.basename(at);
}

export interface ProfileSummary {
  totalMs: number;
  byArea: Array<{ name: string; ms: number }>;
  byFunction: Array<{ name: string; where: string; ms: number }>;
}

export function summarize(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const areas = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; ms: number }>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    totalMs += ms;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + ms);
    const file = url.replace(/^file:\/\//, '');
    const short = file.includes('/node_modules/') ? file.replace(/^.*\/node_modules\//, '') : file.replace(/^.*\/dist\//, 'dist/');
    const where = url ? `${short}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
  }
  return {
    totalMs,
    byArea: [...areas].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms),
    byFunction: [...functions.values()].sort((a, b) => b.ms - a.ms).slice(0, top),
  };
}

export function printSummary(file: string): void {
  const s = summarize(file);
  const pct = (ms: number): string => `${((ms / s.totalMs) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\nCPU profile of Node-RED (${file}), ${(s.totalMs / 1000).toFixed(1)} s sampled; self time by area:`);
  for (const a of s.byArea.filter((x) => x.ms / s.totalMs >= 0.005)) console.log(`  ${pct(a.ms)}  ${a.name}`);
  console.log('top functions by self time:');
  for (const f of s.byFunction) console.log(`  ${pct(f.ms)}  ${f.name}  ${f.where}`);
}

/** The newest .cpuprofile in a directory. */
export function newestProfile(dir: string): string | undefined {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  return files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}
