// Offline domain-lookup cost per name: public-suffix parsing alone (the baseline), then parsing
// plus the look-alike check against 1, 10 and 100 own domains, in the same run. Names are a mix
// of look-alikes, own subdomains and unrelated names. Run: npm run bench:domain-lookup [seconds]
import { checkLookalike, parseOwnDomains } from '../core/domain/lookalike';
import { parseDomain } from '../core/domain/parse';

const SECONDS = Number(process.argv[2] ?? '0.5');

let seed = 7;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

const WORDS = ['login', 'secure', 'account', 'mail', 'portal', 'verify', 'cdn', 'shop', 'pay', 'support', 'news', 'cloud'];
const SUFFIXES = ['com', 'net', 'org', 'co.uk', 'de', 'io', 'github.io', 'blogspot.com'];
const BRANDS = Array.from({ length: 100 }, (_, i) => `brand${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}corp`);

function names(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const brand = BRANDS[rnd(10)];
    const word = WORDS[rnd(WORDS.length)];
    const suffix = SUFFIXES[rnd(SUFFIXES.length)];
    switch (rnd(5)) {
      case 0: out.push(`${word}.${brand.replace('o', '0')}.com`); break; // homoglyph
      case 1: out.push(`${word}.${brand}.com`); break; // ours
      case 2: out.push(`${brand}-${word}.${suffix}`); break; // name embedded
      case 3: out.push(`${word}.${brand}.com.evil${rnd(100)}.net`); break; // domain as subdomain
      default: out.push(`${word}${rnd(1000)}.${suffix}`); // unrelated
    }
  }
  return out;
}

function perSecond(list: string[], fn: (name: string) => void): number {
  for (let i = 0; i < Math.min(200, list.length); i++) fn(list[i]);
  let count = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    for (const n of list) fn(n);
    count += list.length;
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

const list = names(2000);
const baseline = perSecond(list, (n) => { parseDomain(n); });
console.log(`domain-lookup offline layer, ${list.length} names, ${SECONDS} s per row`);
console.log(`${'own domains'.padEnd(12)} ${'names/s'.padStart(10)} ${'µs/name'.padStart(8)}  vs parsing alone`);
console.log(`${'(parse only)'.padEnd(12)} ${Math.round(baseline).toString().padStart(10)} ${(1e6 / baseline).toFixed(1).padStart(8)}  1.00`);
for (const n of [1, 10, 100]) {
  const own = parseOwnDomains(BRANDS.slice(0, n).map((b) => `${b}.com`));
  const rate = perSecond(list, (name) => { checkLookalike(parseDomain(name), own); });
  console.log(`${String(n).padEnd(12)} ${Math.round(rate).toString().padStart(10)} ${(1e6 / rate).toFixed(1).padStart(8)}  ${(baseline / rate).toFixed(2)}x slower`);
}
