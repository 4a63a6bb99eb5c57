import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { settingsFromConfig } from '../../core/ip/config';
import type { Incident, Observable } from '../../core/model/types';
import { ABUSEIPDB_KEY, abuseIpdbDailyQuota, startAbuseIpdb, startInternetDb } from '../emulators/ip-intel';
import type { Emulator } from '../emulators/server';
import { incident, observable } from '../helpers/fixtures';
import { ALL_NODES, helper, nextError, nextMessage, type FlowNode } from '../helpers/node-red';

interface OutMsg { incident: Incident }

const ROOT = path.resolve(__dirname, '..', '..', '..');
const GEO = (f: string): string => path.join(ROOT, 'geoip', f);
const INVALID = path.join(ROOT, 'test', 'fixtures', 'geoip', 'GeoIP2-City-Test-Invalid-Node-Count.mmdb');

function flow(config: Record<string, unknown> | null, lookup: Record<string, unknown> = {}): FlowNode[] {
  return [
    { id: 'tab', type: 'tab' },
    ...(config ? [{ id: 'ipc', type: 'ir-ip-lookup-config', mode: 'dry-run', cityDb: GEO('GeoIP2-City-Test.mmdb'), asnDb: GEO('GeoLite2-ASN-Test.mmdb'), anonymousDb: '', reload: 0, ...config }] : []),
    { id: 'ip', type: 'ir-ip-lookup', z: 'tab', ...(config ? { config: 'ipc' } : {}), scope: 'all', roles: '', max: 100, wires: [['out']], ...lookup },
    { id: 'out', type: 'helper', z: 'tab' },
  ];
}

const observables = (): Observable[] => [
  observable('ip', '81.2.69.142', ['source']),
  observable('ip', '10.0.0.5', ['target']),
  observable('ip', '::ffff:1.128.0.1', ['related']),
  observable('host', 'web-01', ['target']),
];

const byValue = (inc: Incident, value: string): Observable => {
  const o = inc.observables.find((x) => x.value === value);
  assert.ok(o, value);
  return o;
};

describe('ip-lookup node', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it('offline, with the test databases: geo, ASN, classification and a verdict on each IP, one timeline entry', async () => {
    await helper.load(ALL_NODES, flow({}));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ip').receive({ incident: incident({ observables: observables() }) });
    const inc = (await out).incident;
    const london = byValue(inc, '81.2.69.142');
    assert.equal(london.verdict, 'unknown');
    const geo = london.enrichment?.geoip as { city: string; country: string };
    assert.equal(geo.city, 'London');
    assert.equal(geo.country, 'GB');
    assert.equal((london.enrichment?.classification as { category: string }).category, 'public');
    const internal = byValue(inc, '10.0.0.5');
    assert.equal((internal.enrichment?.classification as { category: string }).category, 'private');
    assert.match(internal.reasons?.[0] ?? '', /private address in 10\.0\.0\.0\/8: RFC 1918/);
    const mapped = byValue(inc, '::ffff:1.128.0.1');
    assert.deepEqual((mapped.enrichment?.asn as { number: number; organization: string }).number, 1221);
    assert.equal((mapped.enrichment?.classification as { mappedFrom?: string }).mappedFrom, '::ffff:1.128.0.1');
    assert.equal(byValue(inc, 'web-01').enrichment, undefined);
    const entry = inc.timeline.at(-1)!;
    assert.equal(entry.action, 'ip-lookup');
    assert.equal(entry.outcome, 'ok');
    assert.match(entry.summary, /IP lookup of 3 addresses: 3 unknown\. 81\.2\.69\.142: unknown \(public; London, GB\)/);
    assert.match(entry.summary, /1\.128\.0\.1: unknown \(public; AU; AS1221 Telstra Pty Ltd\)|1\.128\.0\.1: unknown \(public; [^)]*AS1221 Telstra Pty Ltd\)/);
  });

  it('looks up public addresses only, or only the chosen roles, when told to', async () => {
    await helper.load(ALL_NODES, flow({}, { scope: 'public', roles: 'source,target' }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ip').receive({ incident: incident({ observables: observables() }) });
    const inc = (await out).incident;
    assert.equal(byValue(inc, '81.2.69.142').verdict, 'unknown');
    assert.equal(byValue(inc, '10.0.0.5').enrichment, undefined);
    assert.equal(byValue(inc, '::ffff:1.128.0.1').enrichment, undefined);
    const skipped = inc.timeline.at(-1)!.details?.skipped as Array<{ value: string; reason: string }>;
    assert.deepEqual(skipped.map((s) => s.value), ['10.0.0.5', '::ffff:1.128.0.1']);
  });

  it('a corrupt database: the incident flows on with what worked, the error is catchable and shown', async () => {
    await helper.load(ALL_NODES, flow({ cityDb: INVALID }));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    const failed = nextError(helper.getNode('ip'));
    helper.getNode('ip').receive({ incident: incident({ observables: observables() }) });
    const inc = (await out).incident;
    const err = await failed;
    assert.match(String(err), /ip-lookup: City database .*Invalid-Node-Count\.mmdb is corrupt/);
    assert.equal((byValue(inc, '::ffff:1.128.0.1').enrichment?.asn as { number: number }).number, 1221);
    assert.equal(byValue(inc, '81.2.69.142').enrichment?.geoip, undefined);
    const entry = inc.timeline.at(-1)!;
    assert.equal(entry.outcome, 'error');
    assert.match(entry.summary, /Configuration problems: City database .* is corrupt/);
  });

  it('a binary or all-junk list file is an error in the log, quoted without raw control bytes; an empty list is fine', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-iplog-'));
    try {
      const binary = path.join(dir, 'elf.txt');
      fs.writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x0a]));
      const junk = path.join(dir, 'junk.txt');
      fs.writeFileSync(junk, 'bad\u001b[31m line\n');
      const empty = path.join(dir, 'empty.txt');
      fs.writeFileSync(empty, '');
      await helper.load(ALL_NODES, flow({ blocklists: `${binary}\n${junk}`, allowlists: empty }));
      const logged = (): Array<{ level: number; msg: unknown }> => helper.log().args.map((a: unknown[]) => a[0] as { level: number; msg: unknown });
      const errors = async (): Promise<string[]> => {
        for (let i = 0; i < 100; i++) {
          const found = logged().filter((e) => e.level === 20 && /list /.test(String(e.msg))).map((e) => String(e.msg));
          if (found.length >= 2) return found;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return [];
      };
      const found = await errors();
      assert.equal(found.length, 2, JSON.stringify(logged()));
      assert.ok(found.some((m) => /elf\.txt: is a binary file, not a list of addresses/.test(m)), found.join('\n'));
      assert.ok(found.some((m) => /junk\.txt: 1 line\(s\) and no valid entry \(first: line 1 "bad\\x1b\[31m"/.test(m)), found.join('\n'));
      for (const e of logged()) assert.doesNotMatch(String(e.msg), /[\u0000-\u0008\u000b-\u001f\u007f]/);
      assert.ok(!logged().some((e) => /empty\.txt/.test(String(e.msg))), 'an empty list is valid');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a config node: classification only', async () => {
    await helper.load(ALL_NODES, flow(null));
    const out = nextMessage<OutMsg>(helper.getNode('out'));
    helper.getNode('ip').receive({ incident: incident({ observables: [observable('ip', '100.64.1.1'), observable('ip', 'nonsense')] }) });
    const inc = (await out).incident;
    assert.equal((byValue(inc, '100.64.1.1').enrichment?.classification as { category: string }).category, 'cgnat');
    assert.deepEqual(byValue(inc, 'nonsense').reasons, ['"nonsense" is not an IPv4 or IPv6 address']);
  });

  describe('live, against emulators', () => {
    let abuse: Emulator;
    let idb: Emulator;
    before(async () => {
      abuse = await startAbuseIpdb({ '81.2.69.142': { score: 90, reports: 40 } });
      idb = await startInternetDb();
    });
    afterEach(() => {
      abuse.reset();
      idb.reset();
    });
    after(async () => {
      await abuse.close();
      await idb.close();
    });

    it('records verdicts and provider results; a quota answer is in the timeline and the status, and the incident goes on', async () => {
      const cfg = { mode: 'live', abuseipdb: true, abuseipdbUrl: abuse.url, abuseipdbRate: 100, internetdb: true, internetdbUrl: idb.url, internetdbRate: 100, retries: 0 };
      await helper.load(ALL_NODES, flow(cfg), { ipc: { abuseipdbKey: ABUSEIPDB_KEY } });
      let out = nextMessage<OutMsg>(helper.getNode('out'));
      helper.getNode('ip').receive({ incident: incident({ observables: observables() }) });
      let inc = (await out).incident;
      const london = byValue(inc, '81.2.69.142');
      assert.equal(london.verdict, 'malicious');
      assert.ok(london.reasons?.some((r) => /AbuseIPDB confidence 90%/.test(r)));
      assert.equal((london.enrichment?.internetdb as { status: string }).status, 'not-found');
      assert.ok(!JSON.stringify(inc).includes(ABUSEIPDB_KEY));

      abuse.script('GET', '/api/v2/check', abuseIpdbDailyQuota());
      out = nextMessage<OutMsg>(helper.getNode('out'));
      helper.getNode('ip').receive({ incident: incident({ observables: [observable('ip', '1.128.0.9')] }) });
      inc = (await out).incident;
      const entry = inc.timeline.at(-1)!;
      assert.match(entry.summary, /Provider errors: AbuseIPDB: quota exhausted/);
      assert.equal((byValue(inc, '1.128.0.9').enrichment?.abuseipdb as { code: string }).code, 'quota');
    });

    it('live without the AbuseIPDB key: a configuration error', async () => {
      await helper.load(ALL_NODES, flow({ mode: 'live', abuseipdb: true, abuseipdbUrl: abuse.url }));
      const out = nextMessage<OutMsg>(helper.getNode('out'));
      const failed = nextError(helper.getNode('ip'));
      helper.getNode('ip').receive({ incident: incident({ observables: observables() }) });
      await out;
      assert.match(String(await failed), /AbuseIPDB: live mode needs abuseipdbKey/);
      assert.equal(abuse.requests.filter((r) => r.path === '/api/v2/check').length, 0);
    });
  });

  describe('config fields', () => {
    it('resolve relative paths in the user directory first, then in the package', () => {
      const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-userdir-'));
      try {
        fs.mkdirSync(path.join(userDir, 'geoip'));
        fs.writeFileSync(path.join(userDir, 'geoip', 'Own.mmdb'), '');
        const s = settingsFromConfig({ cityDb: 'geoip/GeoIP2-City-Test.mmdb', asnDb: 'geoip/Own.mmdb', anonymousDb: '/abs/x.mmdb', blocklists: 'lists/a.txt\n# comment\n', rdap: true, rdapUrl: ' http://x/ ', virustotal: 'false', reload: '0', deadline: 'x' }, { abuseipdbKey: ' k ' }, { userDir, packageRoot: ROOT });
        assert.equal(s.offline.databases?.city, GEO('GeoIP2-City-Test.mmdb'));
        assert.equal(s.offline.databases?.asn, path.join(userDir, 'geoip', 'Own.mmdb'));
        assert.equal(s.offline.databases?.['anonymous-ip'], '/abs/x.mmdb');
        assert.deepEqual(s.offline.blocklists, [path.join(userDir, 'lists', 'a.txt')]); // missing everywhere: reported where the user would put it
        assert.deepEqual(s.providers, { rdap: { url: 'http://x/' } });
        assert.equal(s.offline.watchIntervalMs, 0);
        assert.equal(s.deadlineMs, 30_000);
        assert.equal(s.mode, 'dry-run');
        assert.deepEqual(s.credentials, { abuseipdbKey: 'k' });
      } finally {
        fs.rmSync(userDir, { recursive: true, force: true });
      }
    });
  });
});
