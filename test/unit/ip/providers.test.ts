import assert from 'node:assert/strict';
import path from 'node:path';
import { IpLookupService, type IpLookupSettings } from '../../../core/ip/service';
import { createReverseResolver, lookupReverseDns, ptrName } from '../../../core/integrations/reverse-dns';
import { ProviderError } from '../../../core/integrations/ip-provider';
import type { ProviderOutcome } from '../../../core/ip/verdict';
import { startDns, type DnsEmulator } from '../../emulators/dns';
import {
  ABUSEIPDB_KEY, abuseIpdbDailyQuota, startAbuseIpdb, startGreyNoise, startInternetDb, startRdap, startVirusTotal, VIRUSTOTAL_KEY, virusTotalQuota,
} from '../../emulators/ip-intel';
import { faults, startEmulator, type Emulator } from '../../emulators/server';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BAD = '81.2.69.142'; // London in the test City database
const SCANNER = '1.128.0.1';
const QUIET = '8.8.4.4';

describe('ip: online providers against emulators', () => {
  let abuse: Emulator;
  let grey: Emulator;
  let idb: Emulator;
  let vt: Emulator;
  let rdap: Emulator;
  let dns: DnsEmulator;
  const services: IpLookupService[] = [];

  before(async () => {
    abuse = await startAbuseIpdb({ [BAD]: { score: 100, reports: 532 }, [SCANNER]: { score: 30, reports: 4 } });
    grey = await startGreyNoise({ [SCANNER]: { noise: true, riot: false, classification: 'unknown', name: 'unknown' }, [BAD]: { noise: true, riot: false, classification: 'malicious', name: 'Mirai' } });
    idb = await startInternetDb({ [BAD]: { ports: [22, 23], tags: ['compromised'], vulns: ['CVE-2023-1234'] } });
    vt = await startVirusTotal({ [BAD]: { malicious: 12 }, [SCANNER]: { malicious: 0, suspicious: 1 } });
    rdap = await startRdap({ [BAD]: { handle: 'NET-81-2-69-0-1', name: 'TEST-NET', start: '81.2.69.0', end: '81.2.69.255', country: 'GB', owner: 'Example Hosting Ltd', abuse: 'abuse@example.net' } });
    dns = await startDns({ [ptrName(BAD)]: ['host-142.example.net'] });
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
    for (const e of [abuse, grey, idb, vt, rdap]) e.reset();
    dns.silent = false;
    dns.queries.length = 0;
  });
  after(async () => {
    for (const e of [abuse, grey, idb, vt, rdap]) await e.close();
    await dns.close();
  });

  const settings = (overrides: Partial<IpLookupSettings> = {}): IpLookupSettings => ({
    mode: 'live',
    offline: { databases: { city: path.join(ROOT, 'geoip', 'GeoIP2-City-Test.mmdb'), asn: path.join(ROOT, 'geoip', 'GeoLite2-ASN-Test.mmdb') }, watchIntervalMs: 0 },
    providers: {
      abuseipdb: { url: abuse.url, rate: 1000 }, greynoise: { url: grey.url, rate: 1000 }, internetdb: { url: idb.url, rate: 1000 },
      virustotal: { url: vt.url, rate: 1000, concurrency: 4 }, rdap: { url: `${rdap.url}/bootstrap/`, rate: 1000 }, rdns: { servers: [dns.server] },
    },
    credentials: { abuseipdbKey: ABUSEIPDB_KEY, virustotalKey: VIRUSTOTAL_KEY },
    retries: 0,
    timeoutMs: 2000,
    deadlineMs: 5000,
    http: { proxy: 'none', retry: { maxRetries: 0, baseDelayMs: 5 } },
    ...overrides,
  });
  const create = async (s: IpLookupSettings): Promise<IpLookupService> => {
    const service = await IpLookupService.create(s);
    services.push(service);
    return service;
  };
  const outcome = (o: ProviderOutcome | undefined): ProviderOutcome => {
    assert.ok(o);
    return o;
  };

  it('asks every provider in live mode and combines the answers into a verdict with reasons', async () => {
    const service = await create(settings());
    const run = await service.lookup([BAD, SCANNER, QUIET, '10.0.0.1']);
    assert.equal(run.partial, false);
    const [bad, scanner, quiet, internal] = run.reports;
    assert.equal(bad.verdict, 'malicious');
    assert.ok(bad.reasons.some((r) => /AbuseIPDB confidence 100% from 532 reports/.test(r)));
    assert.ok(bad.reasons.some((r) => /GreyNoise classifies it malicious \(Mirai\)/.test(r)));
    assert.ok(bad.reasons.some((r) => /VirusTotal: 12 engines malicious/.test(r)));
    assert.ok(bad.reasons.some((r) => /Shodan tags it compromised/.test(r)));
    assert.equal(bad.offline?.geo?.city, 'London');
    const rd = outcome(bad.providers.rdap);
    assert.equal(rd.status, 'found');
    assert.deepEqual(rd.status === 'found' && { owner: rd.data?.owner, abuse: rd.data?.abuseEmail, country: rd.data?.country, range: rd.data?.range },
      { owner: 'Example Hosting Ltd', abuse: 'abuse@example.net', country: 'GB', range: '81.2.69.0 - 81.2.69.255' });
    const ptr = outcome(bad.providers.rdns);
    assert.deepEqual(ptr.status === 'found' && ptr.data?.hostnames, ['host-142.example.net']);

    assert.equal(scanner.verdict, 'suspicious');
    assert.equal(scanner.offline?.asn?.number, 1221);
    assert.ok(scanner.reasons.some((r) => /mass-scanning/.test(r)));
    // "Not found" is a result everywhere.
    assert.equal(quiet.verdict, 'unknown');
    for (const id of ['greynoise', 'internetdb', 'virustotal', 'rdap', 'rdns'] as const) assert.equal(outcome(quiet.providers[id]).status, 'not-found', id);
    assert.equal(outcome(quiet.providers.abuseipdb).status, 'not-found');
    // Private addresses never leave the building.
    assert.equal(outcome(internal.providers.abuseipdb).status, 'skipped');
    assert.equal(abuse.requests.filter((r) => r.query.ipAddress === '10.0.0.1').length, 0);
    // The bootstrap file is fetched once per IP version, not per address.
    assert.equal(rdap.requestsTo('GET', '/bootstrap/ipv4.json').length, 1);
    // Calls are recorded, keys redacted.
    assert.ok(run.calls.length >= 12);
    assert.ok(!JSON.stringify(run.calls).includes(ABUSEIPDB_KEY));
    assert.ok(!JSON.stringify(run.calls).includes(VIRUSTOTAL_KEY));
  });

  it('answers the second lookup of an address from the cache', async () => {
    const service = await create(settings({ providers: { internetdb: { url: idb.url, rate: 1000 }, greynoise: { url: grey.url, rate: 1000 } } }));
    await service.lookup([BAD, QUIET]);
    const before = idb.requests.length + grey.requests.length;
    const again = await service.lookup([BAD, QUIET]);
    assert.equal(idb.requests.length + grey.requests.length, before);
    const o = outcome(again.reports[0].providers.internetdb);
    assert.equal(o.status === 'found' && o.cached, true);
    assert.equal(outcome(again.reports[1].providers.greynoise).status, 'not-found');
    assert.equal(service.cacheStats().internetdb?.hits, 2);
  });

  it('stops asking a provider whose daily quota is used up, instead of retrying', async () => {
    const service = await create(settings({ providers: { abuseipdb: { url: abuse.url, rate: 1000 } }, retries: 3, http: { proxy: 'none', retry: { maxRetries: 3, baseDelayMs: 5 } } }));
    abuse.script('GET', '/api/v2/check', abuseIpdbDailyQuota());
    const first = await service.lookup([BAD]);
    const o = outcome(first.reports[0].providers.abuseipdb);
    assert.equal(o.status, 'error');
    assert.equal(o.status === 'error' && o.code, 'quota');
    assert.match(o.status === 'error' ? o.error : '', /quota exhausted .*1,000 checks a day/);
    assert.equal(abuse.requests.length, 1, 'a quota answer is not retried');
    const second = await service.lookup([SCANNER]);
    const skipped = outcome(second.reports[0].providers.abuseipdb);
    assert.equal(skipped.status, 'skipped');
    assert.match(skipped.status === 'skipped' ? skipped.reason : '', /quota exhausted; no calls until/);
    assert.equal(abuse.requests.length, 1);
  });

  it('a daily-quota 429 without Retry-After is not retried either', async () => {
    const service = await create(settings({ providers: { abuseipdb: { url: abuse.url, rate: 1000 } }, retries: 3, http: { proxy: 'none', retry: { maxRetries: 3, baseDelayMs: 5 } } }));
    const { headers: _withRetryAfter, ...noRetryAfter } = abuseIpdbDailyQuota();
    abuse.script('GET', '/api/v2/check', noRetryAfter, noRetryAfter, noRetryAfter, noRetryAfter);
    const run = await service.lookup([BAD]);
    const o = outcome(run.reports[0].providers.abuseipdb);
    assert.equal(o.status === 'error' && o.code, 'quota');
    assert.equal(abuse.requests.length, 1, 'a quota answer is not retried');
  });

  it('reports VirusTotal QuotaExceededError as a quota at once, without retrying it', async () => {
    const service = await create(settings({ providers: { virustotal: { url: vt.url, rate: 1000 } }, http: { proxy: 'none', retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10 } } }));
    const path = `/api/v3/ip_addresses/${BAD}`;
    vt.script('GET', path, virusTotalQuota(), virusTotalQuota());
    const run = await service.lookup([BAD]);
    const o = outcome(run.reports[0].providers.virustotal);
    assert.equal(o.status === 'error' && o.code, 'quota');
    assert.equal(vt.requestsTo('GET', path).length, 1, 'a spent quota is not asked again');
  });

  it('a short 429 saying "Rate limit exceeded" is a rate limit (a brief pause), not a daily quota', async () => {
    const service = await create(settings({ providers: { abuseipdb: { url: abuse.url, rate: 1000 } } }));
    abuse.script('GET', '/api/v2/check', faults.tooManyRequests(30, { errors: [{ detail: 'Rate limit exceeded', status: 429 }] }));
    const first = await service.lookup([BAD]);
    const o = outcome(first.reports[0].providers.abuseipdb);
    assert.equal(o.status === 'error' && o.code, 'rate-limited');
    assert.match(o.status === 'error' ? o.error : '', /retry after 30 s/);
    const second = await service.lookup([SCANNER]);
    const skipped = outcome(second.reports[0].providers.abuseipdb);
    const reason = skipped.status === 'skipped' ? skipped.reason : '';
    assert.match(reason, /AbuseIPDB rate limited; no calls until/);
    const until = Date.parse(reason.replace(/^.*no calls until /, ''));
    assert.ok(until - Date.now() < 5 * 60_000, 'paused for the Retry-After, not for an hour as a quota would be');
    assert.equal(abuse.requests.length, 1);
  });

  it('turns HTML, garbage, 5xx, a refused key and a timeout into clear errors; the rest still answers', async () => {
    const service = await create(settings({ timeoutMs: 300, deadlineMs: 5000 }));
    idb.script('GET', `/${BAD}`, { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Cloudflare: checking your browser</body></html>' });
    grey.script('GET', `/v3/community/${BAD}`, { status: 200, body: 'garbage{{' });
    rdap.script('GET', `/registry/ip/${BAD}`, faults.serverError(503));
    vt.script('GET', `/api/v3/ip_addresses/${BAD}`, faults.latency(1500, { body: {} }));
    const wrongKey = await create(settings({ providers: { abuseipdb: { url: abuse.url } }, credentials: { abuseipdbKey: 'wrong' } }));
    const run = await service.lookup([BAD]);
    const p = run.reports[0].providers;
    const err = (o: ProviderOutcome | undefined): string => (o?.status === 'error' ? `${o.code}: ${o.error}` : `not an error: ${JSON.stringify(o)}`);
    assert.match(err(p.internetdb), /^invalid-response: Shodan InternetDB: answered text\/html that is not JSON: "<html><body>Cloudflare/);
    assert.match(err(p.greynoise), /^invalid-response: GreyNoise: answered .*not JSON: "garbage\{\{"/);
    assert.match(err(p.rdap), /^unavailable: RDAP: answered 503/);
    assert.match(err(p.virustotal), /^timeout: VirusTotal: .*within 300 ms/);
    assert.equal(outcome(p.abuseipdb).status, 'found');
    assert.equal(run.reports[0].verdict, 'malicious');
    assert.ok(run.reports[0].reasons.some((r) => /incomplete: no answer from .*internetdb/.test(r)));
    const refused = await wrongKey.lookup([BAD]);
    assert.match(err(refused.reports[0].providers.abuseipdb), /^auth: AbuseIPDB: the API key was refused \(401\)/);
  });

  it('keeps what answered by the deadline and marks the rest timed out', async () => {
    const service = await create(settings({ providers: { internetdb: { url: idb.url, rate: 1000 }, greynoise: { url: grey.url, rate: 1000 } }, timeoutMs: 10_000 }));
    grey.script('GET', `/v3/community/${BAD}`, faults.latency(3000, { status: 404, body: { noise: false, riot: false } }));
    const run = await service.lookup([BAD], { deadlineMs: 300 });
    assert.equal(run.partial, true);
    const r = run.reports[0];
    assert.equal(r.partial, true);
    assert.equal(outcome(r.providers.internetdb).status, 'found');
    assert.equal(outcome(r.providers.greynoise).status, 'timed-out');
    assert.ok(r.reasons.some((x) => /partial: the lookup deadline \(300 ms\) passed/.test(x)));
    assert.equal(r.offline?.geo?.city, 'London'); // the offline layer is never lost
  });

  it('holds requests to the provider rate through the shared policy', async () => {
    // One token now, the next in 100 s: in a short run exactly one request may leave.
    const service = await create(settings({ providers: { internetdb: { url: idb.url, rate: 0.01 } } }));
    const run = await service.lookup([BAD, SCANNER, QUIET], { deadlineMs: 300 });
    assert.equal(idb.requests.length, 1);
    assert.equal(run.reports.filter((r) => outcome(r.providers.internetdb).status === 'timed-out').length, 2);
  });

  it('keeps at most the configured number of lookups in flight per provider', async () => {
    let inFlight = 0;
    let most = 0;
    // An InternetDB that takes a while to answer, counting requests it is working on.
    const slow = await startEmulator({
      routes: [{
        method: 'GET', path: /^\/[^/]+$/,
        respond: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 30));
          inFlight--;
          return { status: 404, body: { detail: 'No information available' } };
        },
      }],
    });
    const service = await create(settings({ providers: { internetdb: { url: slow.url, rate: 1000, concurrency: 2 } } }));
    try {
      const run = await service.lookup(['1.0.0.1', '1.0.0.2', '1.0.0.3', '1.0.0.4', '1.0.0.5', '1.0.0.6']);
      assert.equal(slow.requests.length, 6);
      assert.equal(most, 2);
      assert.ok(run.reports.every((r) => outcome(r.providers.internetdb).status === 'not-found'));
    } finally {
      await slow.close();
    }
  });

  it('dry-run records the calls it would make and sends nothing; the offline layer still runs', async () => {
    const service = await create(settings({ mode: 'dry-run', credentials: {} }));
    const run = await service.lookup([BAD]);
    for (const e of [abuse, grey, idb, vt, rdap]) assert.equal(e.requests.length, 0);
    assert.equal(dns.queries.length, 0);
    const r = run.reports[0];
    assert.equal(r.offline?.geo?.city, 'London');
    assert.ok(Object.values(r.providers).every((o) => o?.status === 'dry-run'));
    const ops = run.calls.map((c) => c.operation).sort();
    assert.deepEqual(ops, ['abuseipdb.check', 'greynoise.community', 'internetdb.lookup', 'rdap.ip', 'virustotal.ip_addresses']);
    assert.deepEqual(run.calls.find((c) => c.operation === 'abuseipdb.check')?.missingCredentials, ['abuseipdbKey']);
    assert.match(String(outcome(r.providers.rdns).status === 'dry-run' && (r.providers.rdns as { note: string }).note), /would query PTR 142\.69\.2\.81\.in-addr\.arpa/);
  });

  it('asks the providers about the IPv4 a NAT64 address (64:ff9b::/96) embeds', async () => {
    const service = await create(settings());
    const run = await service.lookup(['64:ff9b::81.2.69.142']);
    const r = run.reports[0];
    assert.equal(r.address, '64:ff9b::5102:458e');
    assert.equal(r.verdict, 'malicious');
    assert.ok(r.reasons.some((x) => /AbuseIPDB confidence 100% from 532 reports/.test(x)), r.reasons.join('\n'));
    assert.ok(r.reasons.some((x) => /^NAT64 address \(64:ff9b::\/96\): .*embedded IPv4 81\.2\.69\.142$/.test(x)), r.reasons.join('\n'));
    assert.equal(r.offline?.geo?.city, 'London');
    const ptr = outcome(r.providers.rdns);
    assert.deepEqual(ptr.status === 'found' && ptr.data?.hostnames, ['host-142.example.net']);
  });

  it('live without a required key: that provider is off and the problem is reported', async () => {
    const service = await create(settings({ credentials: { abuseipdbKey: ABUSEIPDB_KEY } }));
    assert.deepEqual(service.problems, ['VirusTotal: live mode needs virustotalKey (missing or empty); set it in the configuration or switch to dry-run']);
    assert.ok(!service.enabledProviders.includes('virustotal'));
  });

  it('reports an invalid address and looks up the rest', async () => {
    const service = await create(settings({ providers: { internetdb: { url: idb.url, rate: 1000 } } }));
    const run = await service.lookup(['not-an-ip', '1.2.3.4/24', BAD]);
    assert.match(run.reports[0].error ?? '', /"not-an-ip" is not an IPv4 or IPv6 address/);
    assert.match(run.reports[1].error ?? '', /not an IPv4 or IPv6 address/);
    assert.equal(outcome(run.reports[2].providers.internetdb).status, 'found');
  });

  describe('reverse DNS against a DNS server on 127.0.0.1', () => {
    it('finds a PTR name, answers NXDOMAIN as not found, and a silent server as a timeout', async () => {
      const resolver = createReverseResolver({ servers: [dns.server], timeoutMs: 200, tries: 1 });
      assert.deepEqual(await lookupReverseDns(resolver, BAD), { found: true, data: { hostnames: ['host-142.example.net'] } });
      assert.deepEqual(await lookupReverseDns(resolver, QUIET), { found: false });
      assert.ok(dns.queries.some((q) => q.type === 'PTR' && q.name === '4.4.8.8.in-addr.arpa'));
      dns.silent = true;
      await assert.rejects(lookupReverseDns(resolver, SCANNER), (err: ProviderError) => err.code === 'timeout' && /no answer for PTR 1\.0\.128\.1\.in-addr\.arpa/.test(err.message));
    });

    it('builds IPv6 PTR names', () => {
      assert.equal(ptrName('2001:db8::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
      assert.throws(() => createReverseResolver({ servers: ['not a server'] }), /resolver address/);
    });
  });
});

