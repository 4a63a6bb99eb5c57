import assert from 'node:assert/strict';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addressTags, classify, InvalidAddressError } from '../../../core/ip/classify';
import { GeoDatabaseError, lookupGeoFields, openGeoDatabase, type GeoDatabase, type GeoDbKind } from '../../../core/ip/geoip';
import { OfflineLayer } from '../../../core/ip/offline';
import { parseNetwork, printable, RangeList } from '../../../core/ip/ranges';
import { TtlCache } from '../../../core/ip/cache';
import { watchFiles } from '../../../core/ip/watch';
import { parseIp, formatIPv6 } from '../../../core/normalize/ip';
import { ObservableCollector } from '../../../core/normalize/observables';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const DB = (f: string): string => path.join(ROOT, 'geoip', f);
const SOURCE = (f: string): Array<Record<string, Record<string, unknown>>> =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'geoip', f), 'utf8')) as Array<Record<string, Record<string, unknown>>>;

/** A source-data network ("::81.2.69.0/120" is IPv4 81.2.69.0/24 in MaxMind's notation) as first/last address text. */
function sourceNetwork(cidr: string): { version: 4 | 6; start: bigint; end: bigint; first: string; last: string; prefix: number } {
  const [addr, lenText] = cidr.split('/');
  let len = Number(lenText);
  let text = addr;
  const v4in6 = /^::(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (v4in6 && len >= 96) {
    text = v4in6[1];
    len -= 96;
  }
  const net = parseNetwork(`${text}/${len}`);
  const toText = (v: bigint): string => {
    if (net.version === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
    const bytes: number[] = [];
    for (let i = 15; i >= 0; i--) bytes.push(Number((v >> BigInt(i * 8)) & 255n));
    return formatIPv6(bytes);
  };
  const start = BigInt(net.start);
  const end = BigInt(net.end);
  return { version: net.version, start, end, first: toText(start), last: toText(end), prefix: len };
}

/** What the source data says an address returns: the most specific network containing it. */
function expectedFor(entries: Array<{ net: ReturnType<typeof sourceNetwork>; data: Record<string, unknown> }>, version: 4 | 6, value: bigint): { net: ReturnType<typeof sourceNetwork>; data: Record<string, unknown> } | undefined {
  let best;
  for (const e of entries) if (e.net.version === version && value >= e.net.start && value <= e.net.end && (!best || e.net.prefix > best.net.prefix)) best = e;
  return best;
}

function loadSource(file: string): Array<{ net: ReturnType<typeof sourceNetwork>; data: Record<string, unknown> }> {
  return SOURCE(file).map((entry) => {
    const [cidr, data] = Object.entries(entry)[0];
    return { net: sourceNetwork(cidr), data };
  });
}

/** The database's network (the writer may merge neighbours with equal data) must contain the address. */
function assertContains(network: string, address: string): void {
  const net = parseNetwork(network);
  const ip = parseNetwork(address);
  assert.ok(ip.start >= net.start && ip.start <= net.end, `${network} does not contain ${address}`);
  assert.equal(network.split('/')[0], (() => { const n = parseNetwork(network); return n.version === 4 ? [24, 16, 8, 0].map((s) => (Number(n.start) / 2 ** s) & 255).join('.') : network.split('/')[0]; })(), `${network} is not a network address`);
}

type Names = { names?: Record<string, string>; iso_code?: string; code?: string };

describe('ip: offline layer', () => {
  describe('classification', () => {
    const cases: Array<[string, string, boolean]> = [
      ['8.8.8.8', 'public', true], ['81.2.69.142', 'public', true],
      ['10.0.0.0', 'private', false], ['10.255.255.255', 'private', false], ['11.0.0.0', 'public', true], ['9.255.255.255', 'public', true],
      ['172.15.255.255', 'public', true], ['172.16.0.0', 'private', false], ['172.31.255.255', 'private', false], ['172.32.0.0', 'public', true],
      ['192.168.1.1', 'private', false], ['127.0.0.1', 'loopback', false], ['169.254.169.254', 'link-local', false],
      ['100.63.255.255', 'public', true], ['100.64.0.0', 'cgnat', false], ['100.127.255.255', 'cgnat', false], ['100.128.0.0', 'public', true],
      ['192.0.2.1', 'documentation', false], ['198.51.100.7', 'documentation', false], ['203.0.113.255', 'documentation', false],
      ['224.0.0.1', 'multicast', false], ['239.255.255.255', 'multicast', false], ['240.0.0.1', 'reserved', false], ['255.255.255.255', 'reserved', false],
      ['0.1.2.3', 'bogon', false], ['198.18.0.1', 'bogon', false], ['198.20.0.0', 'public', true],
      ['::1', 'loopback', false], ['::', 'bogon', false], ['fe80::1', 'link-local', false], ['fd12:3456::1', 'private', false],
      ['fc00::', 'private', false], ['2001:db8::1', 'documentation', false], ['3fff::1', 'documentation', false], ['ff02::1', 'multicast', false],
      ['2001:4860:4860::8888', 'public', true], ['4000::1', 'reserved', false], ['100::1', 'bogon', false], ['2001:2::1', 'bogon', false],
      // IPv4-mapped IPv6 is read as the IPv4 address it carries.
      ['::ffff:10.1.2.3', 'private', false], ['::ffff:8.8.8.8', 'public', true], ['[::ffff:7f00:1]', 'loopback', false],
    ];
    for (const [address, category, pub] of cases) {
      it(`${address} is ${category}`, () => {
        const c = classify(address);
        assert.equal(c.category, category);
        assert.equal(c.public, pub);
      });
    }
    it('reads 64:ff9b::/96 (RFC 6052 NAT64) as the IPv4 it embeds, and 64:ff9b:1::/48 (RFC 8215) as local-use', () => {
      const wkp = classify('64:ff9b::5102:458e');
      assert.equal(wkp.category, 'public');
      assert.equal(wkp.public, true);
      assert.equal(wkp.embeddedIpv4, '81.2.69.142');
      assert.match(wkp.description, /NAT64.*81\.2\.69\.142/);
      // The well-known prefix must not carry a non-global IPv4: it is what that IPv4 is.
      const inner = classify('64:ff9b::10.1.2.3');
      assert.equal(inner.category, 'private');
      assert.equal(inner.public, false);
      assert.equal(inner.embeddedIpv4, '10.1.2.3');
      assert.match(inner.description, /NAT64.*10\.1\.2\.3.*RFC 1918/);
      // Outside the /96 (bytes 4-11 not zero) is not the well-known prefix.
      assert.equal(classify('64:ff9b:0:1::5102:458e').embeddedIpv4, undefined);
      const local = classify('64:ff9b:1::5102:458e');
      assert.equal(local.category, 'reserved');
      assert.equal(local.public, false);
      assert.match(local.description, /RFC 8215 local-use NAT64.*not globally reachable/);
    });

    it('describes IPv6 outside 2000::/3 without a made-up range', () => {
      const c = classify('4000::1');
      assert.equal(c.range, undefined);
      assert.equal(c.description, 'IANA reserved IPv6 space, outside the global unicast 2000::/3');
    });

    it('tags an observable with the category its ip-lookup reason gives, for every special range', () => {
      const samples = ['0.1.2.3', '10.1.1.1', '100.64.0.1', '169.254.1.1', '172.16.0.1', '192.0.0.9', '192.0.2.1', '192.88.99.1', '192.168.0.1',
        '198.18.0.1', '198.51.100.1', '203.0.113.1', '224.0.0.1', '240.0.0.1', '255.255.255.255',
        '64:ff9b::10.0.0.1', '64:ff9b:1::1', '100::1', '2001:2::1', '2001:10::1', '2001:db8::1', '3fff::1', 'fd00::1', 'fe80::1', 'fec0::1', 'ff02::1', '4000::1',
        '8.8.8.8', '64:ff9b::8.8.8.8', '2001:4860::1'];
      for (const address of samples) {
        const collector = new ObservableCollector();
        assert.ok(collector.ip(address), address);
        const c = classify(address);
        assert.deepEqual(collector.toArray()[0].tags, c.public ? [] : [c.category], address);
      }
      // The two of the review: the benchmarking range and the deprecated 6to4 relay anycast.
      assert.deepEqual(addressTags(parseIp('198.18.0.1')!), ['bogon']);
      assert.deepEqual(addressTags(parseIp('192.88.99.1')!), ['reserved']);
    });

    it('refuses what is not an address', () => {
      for (const bad of ['', 'abc', '1.2.3', '1.2.3.256', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '::g', '1.2.3.4/24']) {
        assert.throws(() => classify(bad), InvalidAddressError, bad);
      }
    });
  });

  describe('MaxMind databases, checked against the source data', () => {
    const open = async (kind: GeoDbKind, file: string): Promise<Partial<Record<GeoDbKind, GeoDatabase>>> => ({ [kind]: await openGeoDatabase(DB(file), kind) });

    it('City: every network of the source data gives its country, city, location and network', async () => {
      const dbs = await open('city', 'GeoIP2-City-Test.mmdb');
      const entries = loadSource('GeoIP2-City-Test.source.json');
      let checked = 0;
      for (const { net } of entries) {
        for (const [text, value] of [[net.first, net.start], [net.last, net.end]] as const) {
          const want = expectedFor(entries, net.version, value);
          assert.ok(want);
          const got = lookupGeoFields(dbs, text).geo;
          const d = want.data as { country?: Names; city?: Names; continent?: Names; location?: { latitude?: number; longitude?: number; time_zone?: string }; postal?: { code?: string }; registered_country?: Names };
          if (!d.country && !d.city && !d.continent && !d.registered_country) continue;
          assert.ok(got, `${text} has no geo`);
          assert.equal(got.country, d.country?.iso_code, `${text} country`);
          assert.equal(got.city, d.city?.names?.en, `${text} city`);
          assert.equal(got.continent, d.continent?.code, `${text} continent`);
          assert.equal(got.latitude, d.location?.latitude, `${text} latitude`);
          assert.equal(got.longitude, d.location?.longitude, `${text} longitude`);
          assert.equal(got.timeZone, d.location?.time_zone, `${text} time zone`);
          assert.equal(got.postalCode, d.postal?.code, `${text} postal code`);
          assertContains(got.network, text);
          checked++;
        }
      }
      assert.ok(checked > 200, `only ${checked} addresses checked`);
      const london = lookupGeoFields(dbs, '81.2.69.142').geo;
      assert.equal(london?.city, 'London');
      assert.equal(london?.country, 'GB');
    });

    it('ASN: every network of the source data gives its AS number, organisation and network', async () => {
      const dbs = await open('asn', 'GeoLite2-ASN-Test.mmdb');
      const entries = loadSource('GeoLite2-ASN-Test.source.json');
      let checked = 0;
      for (const { net } of entries) {
        for (const [text, value] of [[net.first, net.start], [net.last, net.end]] as const) {
          const want = expectedFor(entries, net.version, value);
          const got = lookupGeoFields(dbs, text).asn;
          assert.ok(got && want, `${text} has no ASN`);
          assert.equal(got.number, want.data.autonomous_system_number, text);
          assert.equal(got.organization, want.data.autonomous_system_organization, text);
          assertContains(got.network, text);
          checked++;
        }
      }
      assert.ok(checked >= entries.length * 2);
      assert.equal(lookupGeoFields(dbs, '1.128.0.1').asn?.number, 1221);
      assert.equal(lookupGeoFields(dbs, '1.128.0.1').asn?.network, '1.128.0.0/11');
    });

    it('Anonymous IP: every network of the source data gives its flags', async () => {
      const dbs = await open('anonymous-ip', 'GeoIP2-Anonymous-IP-Test.mmdb');
      const entries = loadSource('GeoIP2-Anonymous-IP-Test.source.json');
      for (const { net } of entries) {
        for (const [text, value] of [[net.first, net.start], [net.last, net.end]] as const) {
          const want = expectedFor(entries, net.version, value)?.data ?? {};
          const got = lookupGeoFields(dbs, text).anonymity;
          assert.ok(got, `${text} has no anonymity record`);
          assert.equal(got.anonymous, want.is_anonymous === true, text);
          assert.equal(got.vpn, want.is_anonymous_vpn === true, text);
          assert.equal(got.torExitNode, want.is_tor_exit_node === true, text);
          assert.equal(got.publicProxy, want.is_public_proxy === true, text);
          assert.equal(got.hostingProvider, want.is_hosting_provider === true, text);
          assert.equal(got.residentialProxy, want.is_residential_proxy === true, text);
        }
      }
    });

    it('finds nothing for an address the data does not cover', async () => {
      const dbs = { ...(await open('city', 'GeoIP2-City-Test.mmdb')), ...(await open('asn', 'GeoLite2-ASN-Test.mmdb')) };
      assert.deepEqual(lookupGeoFields(dbs, '8.8.4.4'), {});
    });

    it('fails cleanly on a corrupt, missing or wrong-layout database', async () => {
      await assert.rejects(openGeoDatabase(path.join(ROOT, 'test', 'fixtures', 'geoip', 'GeoIP2-City-Test-Invalid-Node-Count.mmdb'), 'city'),
        (err: GeoDatabaseError) => err.code === 'corrupt' && /corrupt/.test(err.message));
      await assert.rejects(openGeoDatabase(DB('nope.mmdb'), 'city'), (err: GeoDatabaseError) => err.code === 'missing' && /no such file/.test(err.message));
      await assert.rejects(openGeoDatabase(path.join(ROOT, 'package.json'), 'asn'), (err: GeoDatabaseError) => err.code === 'corrupt');
      await assert.rejects(openGeoDatabase(DB('GeoLite2-ASN-Test.mmdb'), 'city'), (err: GeoDatabaseError) => err.code === 'wrong-type' && /GeoLite2-ASN/.test(err.message));
      // A City database answers for Country.
      assert.equal((await openGeoDatabase(DB('GeoLite2-City-Test.mmdb'), 'country')).databaseType, 'GeoLite2-City');
    });

    it('says an empty .mmdb file is not a MaxMind database', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-mmdb-'));
      try {
        const empty = path.join(dir, 'empty.mmdb');
        fs.writeFileSync(empty, '');
        await assert.rejects(openGeoDatabase(empty, 'city'), (err: GeoDatabaseError) => {
          assert.equal(err.code, 'corrupt');
          assert.match(err.message, /empty\.mmdb is not a MaxMind database \(empty file\)$/);
          assert.doesNotMatch(err.message, /NaN/);
          return true;
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('block- and allowlists', () => {
    const list = new RangeList('drop.txt', [
      '; Spamhaus DROP List 2026/01/01',
      '1.2.3.0/24 ; SBL123',
      '5.6.0.0/16 ; SBL456',
      '5.6.7.0/24 ; SBL789 (inside the one above)',
      '9.0.0.0/8',
      '9.255.255.0-10.0.255.255 # overlaps the end of 9.0.0.0/8',
      '# FireHOL style',
      '198.51.100.7',
      '200.0.0.0-200.0.0.9',
      '2001:db8:1::/48 ; v6 net',
      '2001:db8:ffff:ffff::/64',
      '::ffff:7.7.7.0/120',
      '{"cidr":"11.0.0.0/30","sblid":"SBL999","rir":"arin"}',
      '{"type":"metadata","timestamp":1}',
      'not-an-ip',
      '1.2.3.4/33',
      '',
    ].join('\n'));

    it('reads comments, Spamhaus and FireHOL styles, JSON lines and ranges; counts bad lines', () => {
      assert.equal(list.entries, 11);
      assert.deepEqual(list.problems.map((p) => p.line), [15, 16]);
      assert.match(list.problems[1].reason, /longer than 32/);
    });

    const hit = (a: string) => list.lookup(parseIp(a)!);
    it('matches exactly at the IPv4 range edges', () => {
      assert.equal(hit('1.2.2.255'), undefined);
      assert.equal(hit('1.2.3.0')?.comment, 'SBL123');
      assert.equal(hit('1.2.3.255')?.entry, '1.2.3.0/24');
      assert.equal(hit('1.2.4.0'), undefined);
      assert.equal(hit('5.6.7.8')?.comment, 'SBL456'); // the enclosing entry answers
      assert.equal(hit('5.5.255.255'), undefined);
      assert.equal(hit('5.6.255.255')?.comment, 'SBL456');
      assert.equal(hit('9.255.255.255')?.entry, '9.0.0.0/8');
      assert.equal(hit('10.0.0.0')?.entry, '9.255.255.0-10.0.255.255');
      assert.equal(hit('10.0.255.255')?.entry, '9.255.255.0-10.0.255.255');
      assert.equal(hit('10.1.0.0'), undefined);
      assert.equal(hit('198.51.100.7')?.line, 8);
      assert.equal(hit('198.51.100.6'), undefined);
      assert.equal(hit('200.0.0.9')?.entry, '200.0.0.0-200.0.0.9');
      assert.equal(hit('200.0.0.10'), undefined);
      assert.equal(hit('11.0.0.3')?.comment, 'SBL999');
      assert.equal(hit('11.0.0.4'), undefined);
      assert.equal(hit('7.7.7.255')?.entry, '::ffff:7.7.7.0/120');
      assert.equal(hit('::ffff:1.2.3.9')?.comment, 'SBL123'); // mapped input too
    });

    it('matches exactly at the IPv6 range edges', () => {
      assert.equal(hit('2001:db8:0:ffff:ffff:ffff:ffff:ffff'), undefined);
      assert.equal(hit('2001:db8:1::')?.comment, 'v6 net');
      assert.equal(hit('2001:db8:1:ffff:ffff:ffff:ffff:ffff')?.comment, 'v6 net');
      assert.equal(hit('2001:db8:2::'), undefined);
      assert.equal(hit('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')?.entry, '2001:db8:ffff:ffff::/64');
      assert.equal(hit('2001:db8:ffff:fffe:ffff:ffff:ffff:ffff'), undefined);
    });

    it('answers a million-entry list the same way as a scan of the entries', () => {
      const lines: string[] = [];
      for (let i = 0; i < 1_000_000; i++) lines.push(`${(i >>> 14) & 255}.${(i >>> 6) & 255}.${(i & 63) << 2}.0/24`);
      const big = new RangeList('big', lines.join('\n'));
      assert.equal(big.entries, 1_000_000);
      for (const a of ['0.0.0.1', '3.200.252.255', '61.8.4.0', '61.8.5.0', '255.255.255.255', '200.1.1.1']) {
        const [x, y, z] = a.split('.').map(Number);
        const listed = lines.includes(`${x}.${y}.${z}.0/24`);
        assert.equal(big.lookup(parseIp(a)!) !== undefined, listed, a);
      }
    });

    it('agrees with a scan of the entries for any list and address, and names an entry that contains the address', () => {
      // A small address space (10.0.0.0/22) so lists overlap, nest and touch a lot.
      const v4 = (n: number): string => `10.0.${n >> 8}.${n & 255}`;
      const entryArb = fc.oneof(
        fc.tuple(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 22, max: 32 })).map(([n, len]) => `${v4(n)}/${len}`),
        fc.tuple(fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 0, max: 64 })).map(([n, span]) => `${v4(n)}-${v4(Math.min(1023, n + span))}`),
      );
      fc.assert(fc.property(fc.array(entryArb, { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 1023 }), { minLength: 1, maxLength: 30 }), (entries, queries) => {
        const list = new RangeList('prop', entries.join('\n'));
        const nets = entries.map((e) => parseNetwork(e));
        for (const q of queries) {
          const addr = v4(q);
          const value = parseNetwork(addr).start;
          const anyContains = nets.some((n) => value >= n.start && value <= n.end);
          const m = list.lookup(parseIp(addr)!);
          assert.equal(m !== undefined, anyContains, `${addr} in ${entries.join(', ')}`);
          if (m) {
            const n = parseNetwork(m.entry);
            assert.ok(value >= n.start && value <= n.end, `${addr} answered by ${m.entry}`);
            assert.equal(entries[m.line - 1], m.entry);
          }
        }
      }), { numRuns: 300 });
    });

    it('parses networks and refuses bad ones', () => {
      assert.deepEqual(parseNetwork('1.2.3.4/24'), { version: 4, start: 0x01020300, end: 0x010203ff });
      assert.throws(() => parseNetwork('1.2.3.0/x'), /not a number/);
      assert.throws(() => parseNetwork('1.2.3.9-1.2.3.1'), /ends before/);
      assert.throws(() => parseNetwork('1.2.3.4-::1'), /mixes/);
      assert.throws(() => parseNetwork('::/129'), /longer than 128/);
    });
  });

  describe('OfflineLayer', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-ip-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('combines classification, geo, ASN, anonymity and lists; reports bad files and keeps the rest', async () => {
      const block = path.join(dir, 'block.txt');
      const allow = path.join(dir, 'allow.txt');
      fs.writeFileSync(block, '81.2.69.0/24 ; test block\n');
      fs.writeFileSync(allow, '10.0.0.0/8 # our network\n');
      const layer = await OfflineLayer.open({
        databases: { city: DB('GeoIP2-City-Test.mmdb'), asn: path.join(ROOT, 'test', 'fixtures', 'geoip', 'GeoIP2-City-Test-Invalid-Node-Count.mmdb'), 'anonymous-ip': DB('GeoIP2-Anonymous-IP-Test.mmdb') },
        blocklists: [block, path.join(dir, 'missing.txt')], allowlists: [allow], watchIntervalMs: 0,
      });
      try {
        assert.equal(layer.problems.length, 2);
        assert.ok(layer.problems.some((p) => /corrupt/.test(p)));
        assert.ok(layer.problems.some((p) => /missing\.txt: no such file/.test(p)));
        const r = layer.lookup('::ffff:81.2.69.142');
        assert.equal(r.address, '81.2.69.142');
        assert.equal(r.mappedFrom, '::ffff:81.2.69.142');
        assert.equal(r.geo?.city, 'London');
        assert.equal(r.anonymity?.torExitNode, true);
        assert.equal(r.blocklisted[0]?.comment, 'test block');
        const inside = layer.lookup('10.9.9.9');
        assert.equal(inside.classification.category, 'private');
        assert.equal(inside.allowlisted[0]?.list, 'allow.txt');
        assert.equal(inside.geo, undefined);
        assert.throws(() => layer.lookup('999.1.1.1'), InvalidAddressError);
      } finally {
        layer.close();
      }
    });

    it('reports changed, replaced and deleted files, and nothing once closed (the config node\'s close handler)', async () => {
      const file = path.join(dir, 'list.txt');
      fs.writeFileSync(file, '1.1.1.1\n');
      const calls: string[] = [];
      let ticking = true;
      let tick: (() => void) | undefined;
      const watcher = watchFiles([file], 1000, (p) => calls.push(p), {
        setInterval: (fn) => { tick = fn; return 1; },
        clearInterval: () => { ticking = false; },
      });
      await watcher.poll();
      assert.deepEqual(calls, []);
      fs.writeFileSync(file, '2.2.2.2\n3.3.3.3\n');
      await watcher.poll();
      assert.deepEqual(calls, [file]);
      fs.writeFileSync(`${file}.new`, '4.4.4.4\n');
      fs.renameSync(`${file}.new`, file);
      await watcher.poll();
      fs.rmSync(file);
      await watcher.poll();
      assert.equal(calls.length, 3);
      watcher.close();
      assert.equal(ticking, false, 'close() stops the timer');
      fs.writeFileSync(file, '5.5.5.5\n');
      tick?.();
      await watcher.poll();
      assert.equal(calls.length, 3, 'a closed watcher reports nothing');
    });

    it('reloads a list when its file changes, and keeps the old one when the new cannot be read', async () => {
      const block = path.join(dir, 'block.txt');
      fs.writeFileSync(block, '1.1.1.1\n');
      const reloads: Array<{ path: string; ok: boolean }> = [];
      let notify: (() => void) | undefined;
      const layer = await OfflineLayer.open({ blocklists: [block], watchIntervalMs: 20, onReload: (e) => { reloads.push(e); notify?.(); } });
      try {
        assert.equal(layer.lookup('1.1.1.1').blocklisted.length, 1);
        assert.equal(layer.lookup('2.2.2.2').blocklisted.length, 0);
        const reloaded = new Promise<void>((resolve) => { notify = resolve; });
        // Replace by rename, as list updaters do.
        fs.writeFileSync(`${block}.new`, '2.2.2.0/24 ; new entry\n');
        fs.renameSync(`${block}.new`, block);
        await reloaded;
        assert.equal(layer.lookup('1.1.1.1').blocklisted.length, 0);
        assert.equal(layer.lookup('2.2.2.200').blocklisted[0]?.comment, 'new entry');
        assert.deepEqual(reloads.map((r) => r.ok), [true]);
        const failed = new Promise<void>((resolve) => { notify = resolve; });
        fs.rmSync(block);
        await failed;
        assert.equal(reloads[1].ok, false);
        assert.match(layer.problems[0], /still using the version loaded before/);
        assert.equal(layer.lookup('2.2.2.200').blocklisted.length, 1);
        // A failed download writes a web page over the list: not an empty list, a bad file.
        const junk = new Promise<void>((resolve) => { notify = resolve; });
        fs.writeFileSync(block, '<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>\n');
        await junk;
        assert.equal(reloads[2].ok, false);
        assert.match(layer.problems[0], /no valid entry .*still using the version loaded before/);
        assert.equal(layer.lookup('2.2.2.200').blocklisted.length, 1, 'the list still blocks');
        // An emptied list (comments only) is a choice, and is taken.
        const emptied = new Promise<void>((resolve) => { notify = resolve; });
        fs.writeFileSync(block, '# nothing blocked today\n');
        await emptied;
        assert.equal(reloads[3].ok, true);
        assert.equal(layer.lookup('2.2.2.200').blocklisted.length, 0);
      } finally {
        layer.close();
      }
    });
  });

  describe('OfflineLayer: unusable list files', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-iplist-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('refuses a binary file, and a non-empty file without one valid entry; an empty file is an empty list', async () => {
      const binary = path.join(dir, 'binary.txt');
      fs.writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x0a, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a]));
      const junk = path.join(dir, 'junk.txt');
      fs.writeFileSync(junk, 'hello\u001b[2J\u0007 world\nnot an address either\n');
      const empty = path.join(dir, 'empty.txt');
      fs.writeFileSync(empty, '');
      const layer = await OfflineLayer.open({ blocklists: [binary, junk], allowlists: [empty], watchIntervalMs: 0 });
      try {
        assert.equal(layer.problems.length, 2, layer.problems.join('\n'));
        assert.match(layer.problems.find((p) => p.includes('binary.txt')) ?? '', /^blocklist .*binary\.txt: is a binary file, not a list of addresses$/);
        const junkProblem = layer.problems.find((p) => p.includes('junk.txt')) ?? '';
        assert.match(junkProblem, /2 line\(s\) and no valid entry \(first: line 1 "hello\\x1b\[2J\\x07"/);
        // Nothing below a space reaches the log.
        assert.doesNotMatch(layer.problems.join(''), /[\u0000-\u001f\u007f-\u009f]/);
        assert.deepEqual(layer.summary().lists.map((l) => [l.name, l.entries]), [['empty.txt', 0]]);
      } finally {
        layer.close();
      }
    });

    it('quotes skipped lines escaped and cut short', () => {
      const list = new RangeList('mixed.txt', `1.2.3.4\n\u0000\u0001ELF\ufffd${'x'.repeat(200)}\n`);
      assert.equal(list.entries, 1);
      const bad = list.problems[0];
      assert.ok(bad.text.startsWith('\\x00\\x01ELF\\ufffd'), bad.text);
      assert.ok(bad.text.endsWith('…'));
      assert.ok(bad.text.length < 90);
      assert.doesNotMatch(bad.reason, /[\u0000-\u001f\ufffd]/);
      assert.equal(printable('a\tb\u009bc'), 'a\\x09b\\x9bc');
      assert.equal(printable('1.2.3.0/24'), '1.2.3.0/24');
    });
  });

  describe('OfflineLayer: NAT64 addresses', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-ipnat64-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('looks up the embedded IPv4 in the lists and the geo database', async () => {
      const block = path.join(dir, 'block.txt');
      fs.writeFileSync(block, '81.2.69.0/24 ; test block\n');
      const layer = await OfflineLayer.open({ databases: { city: DB('GeoIP2-City-Test.mmdb') }, blocklists: [block], watchIntervalMs: 0 });
      try {
        const r = layer.lookup('64:ff9b::81.2.69.142');
        assert.equal(r.address, '64:ff9b::5102:458e');
        assert.equal(r.classification.embeddedIpv4, '81.2.69.142');
        assert.equal(r.blocklisted[0]?.comment, 'test block');
        assert.equal(r.geo?.city, 'London');
      } finally {
        layer.close();
      }
    });
  });

  describe('OfflineLayer database reload', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-ipdb-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('picks up a database that appears or changes, and keeps the loaded one when the new file is corrupt', async () => {
      const city = path.join(dir, 'City.mmdb');
      let notify: (() => void) | undefined;
      const layer = await OfflineLayer.open({ databases: { city }, watchIntervalMs: 20, onReload: () => notify?.() });
      try {
        assert.match(layer.problems[0], /City database .*City\.mmdb: no such file/);
        assert.equal(layer.lookup('81.2.69.142').geo, undefined);
        let reloaded = new Promise<void>((resolve) => { notify = resolve; });
        fs.copyFileSync(DB('GeoIP2-City-Test.mmdb'), city);
        await reloaded;
        assert.deepEqual(layer.problems, []);
        assert.equal(layer.lookup('81.2.69.142').geo?.city, 'London');
        reloaded = new Promise<void>((resolve) => { notify = resolve; });
        fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'geoip', 'GeoIP2-City-Test-Invalid-Node-Count.mmdb'), `${city}.new`);
        fs.renameSync(`${city}.new`, city);
        await reloaded;
        assert.match(layer.problems[0], /corrupt.*\(still using the version loaded before\)/);
        assert.equal(layer.lookup('81.2.69.142').geo?.city, 'London');
      } finally {
        layer.close();
      }
    });
  });

  describe('TtlCache', () => {
    it('expires entries after their TTL and evicts the least recently used beyond its size', () => {
      let now = 0;
      const cache = new TtlCache<string>(2, 1000, () => now);
      cache.set('a', 'A');
      cache.set('b', 'B');
      assert.equal(cache.get('a'), 'A'); // a is now the most recent
      cache.set('c', 'C');
      assert.equal(cache.get('b'), undefined);
      assert.equal(cache.get('a'), 'A');
      now = 1000;
      assert.equal(cache.get('a'), undefined);
      assert.deepEqual(cache.stats, { size: 1, hits: 2, misses: 2, evictions: 1 });
    });
  });
});
