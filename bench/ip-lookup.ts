// Offline ip-lookup throughput on one core: OfflineLayer.lookup (parse, classification, the
// City, ASN and Anonymous-IP .mmdb lookups, and a 1,000,000-entry blocklist) against bare
// `maxmind` readers doing the same three .mmdb lookups on the same addresses in the same run.
// Rounds alternate between the two; the median round is reported.
// Run: npm run bench:ip-lookup   (or node dist/bench/ip-lookup.js [rounds] [addresses])
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import maxmind, { type Response } from 'maxmind';
import { OfflineLayer } from '../core/ip/offline';

const ROOT = path.resolve(__dirname, '..', '..');
const DBS = {
  city: path.join(ROOT, 'geoip', 'GeoIP2-City-Test.mmdb'),
  asn: path.join(ROOT, 'geoip', 'GeoLite2-ASN-Test.mmdb'),
  'anonymous-ip': path.join(ROOT, 'geoip', 'GeoIP2-Anonymous-IP-Test.mmdb'),
};
const ROUNDS = Number(process.argv[2] ?? '15');
const ADDRESSES = Number(process.argv[3] ?? '50000');
const LIST_ENTRIES = 1_000_000;

let seed = 7;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

/** Public IPv4 mostly (a third inside networks the test databases know), some private, some IPv6. */
function addresses(n: number): string[] {
  const known = ['81.2.69.', '1.128.', '2.125.160.', '216.160.83.', '89.160.20.', '67.43.156.', '202.196.224.', '149.101.100.', '175.16.199.', '1.2.'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = rnd(20);
    if (k < 7) {
      const head = known[rnd(known.length)];
      const parts = head.split('.').filter(Boolean).length;
      out.push(head + Array.from({ length: 4 - parts }, () => String(rnd(256))).join('.'));
    } else if (k < 16) out.push(`${1 + rnd(222)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`);
    else if (k < 18) out.push(`10.${rnd(256)}.${rnd(256)}.${rnd(256)}`);
    else out.push(`2001:${(0x200 + rnd(0x100)).toString(16)}:${rnd(0xffff).toString(16)}::${rnd(0xffff).toString(16)}`);
  }
  return out;
}

/** FireHOL-style list: 1,000,000 distinct IPv4 /32s and /24s spread over the space. */
function blocklistText(): string {
  const lines: string[] = ['# generated blocklist'];
  for (let i = 0; i < LIST_ENTRIES; i++) {
    const n = (Math.imul(i, 2654435761) >>> 0);
    const a = [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    lines.push(i % 4 === 0 ? `${a[0]}.${a[1]}.${a[2]}.0/24 ; SBL${i}` : a.join('.'));
  }
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function rate(n: number, fn: () => number): number {
  const t0 = process.hrtime.bigint();
  const count = fn();
  const ns = Number(process.hrtime.bigint() - t0);
  if (count < 0) throw new Error('unreachable');
  return (n / ns) * 1e9;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-bench-ip-'));
  const listPath = path.join(dir, 'blocklist.netset');
  fs.writeFileSync(listPath, blocklistText());
  const t0 = Date.now();
  const layer = await OfflineLayer.open({ databases: DBS, blocklists: [listPath], watchIntervalMs: 0 });
  const loadMs = Date.now() - t0;
  if (layer.problems.length) throw new Error(layer.problems.join('; '));
  const readers = await Promise.all([DBS.city, DBS.asn, DBS['anonymous-ip']].map((p) => maxmind.open<Response>(p)));
  const ips = addresses(ADDRESSES);

  const ours = (): number => {
    let hits = 0;
    for (const ip of ips) {
      const r = layer.lookup(ip);
      if (r.geo || r.asn || r.blocklisted.length) hits++;
    }
    return hits;
  };
  const bare = (): number => {
    let hits = 0;
    for (const ip of ips) {
      for (const reader of readers) if (reader.get(ip)) hits++;
    }
    return hits;
  };
  // Warm-up (JIT, reader caches) before measuring.
  ours();
  bare();
  const oursRates: number[] = [];
  const bareRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    oursRates.push(rate(ips.length, ours));
    bareRates.push(rate(ips.length, bare));
  }
  const o = median(oursRates);
  const b = median(bareRates);
  const summary = layer.summary();
  let blocked = 0;
  for (const ip of ips) if (layer.lookup(ip).blocklisted.length) blocked++;
  console.log(`ip-lookup offline layer, Node.js ${process.version}, ${ROUNDS} rounds of ${ips.length} addresses (median round)`);
  console.log(`  databases: ${summary.databases.map((d) => d.databaseType).join(', ')}`);
  console.log(`  blocklist: ${summary.lists[0].entries.toLocaleString('en-US')} entries → ${summary.lists[0].ranges.toLocaleString('en-US')} ranges; files loaded and compiled in ${loadMs} ms; ${blocked} of the addresses listed`);
  console.log(`  offline layer (classify + 3 .mmdb + blocklist): ${Math.round(o).toLocaleString('en-US')} IPs/s (${(1e6 / o).toFixed(2)} µs/IP)`);
  console.log(`  bare maxmind readers (the same 3 .mmdb lookups):  ${Math.round(b).toLocaleString('en-US')} IPs/s (${(1e6 / b).toFixed(2)} µs/IP)`);
  console.log(`  ratio: the offline layer takes ${(b / o).toFixed(2)}x the time of the bare readers (target: within 2x; throughput target > 200,000 IPs/s)`);
  layer.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: Error) => {
  console.error(err);
  process.exitCode = 1;
});
