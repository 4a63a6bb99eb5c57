import assert from 'node:assert/strict';
import { DomainLookupService, type DomainLookupSettings } from '../../../core/domain/service';
import type { ProviderOutcome } from '../../../core/domain/verdict';
import { createDnsResolver, lookupDnsRecords } from '../../../core/integrations/dns-records';
import { DomainProviderError } from '../../../core/integrations/domain-provider';
import { virusTotalUrlId } from '../../../core/integrations/virustotal-domain';
import { startDnsZone, type DnsZoneEmulator } from '../../emulators/dns-zone';
import { startRdapDomains, startUrlscan, startVirusTotalDomains, URLSCAN_KEY, VIRUSTOTAL_KEY } from '../../emulators/domain-intel';
import { faults, type Emulator } from '../../emulators/server';

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number): string => new Date(Date.now() - n * DAY).toISOString();
const PHISH = 'examp1e-login.com';
const OLD = 'wikipedia.org';
const PHISH_URL = `http://${PHISH}/signin?next=%2F`;

describe('domain: online providers against emulators', () => {
  let dns: DnsZoneEmulator;
  let rdap: Emulator & { bootstrapUrl: string };
  let vt: Emulator;
  let urlscan: Emulator;
  const services: DomainLookupService[] = [];

  before(async () => {
    dns = await startDnsZone({
      [PHISH]: { A: ['203.0.113.10'], MX: [{ exchange: 'mx.cheap-mail.test', preference: 10 }], NS: ['ns1.bulletproof.test'], TXT: ['v=spf1 -all'] },
      [OLD]: { A: ['198.51.100.1'], AAAA: ['2001:db8::1'], NS: ['ns0.wikimedia.org'], TXT: ['google-site-verification=abc', 'v=spf1 include:wikimedia.org ~all'] },
      'www.wikipedia.org': { CNAME: ['dyna.wikimedia.org'] },
      'empty.org': {},
    });
    rdap = await startRdapDomains(['com', 'org'], {
      [PHISH]: { registered: daysAgo(3), expires: daysAgo(-362), registrar: 'Cheap Names LLC', status: ['client transfer prohibited'], nameservers: ['ns1.bulletproof.test'] },
      [OLD]: { registered: '2001-01-13T00:12:14Z', expires: '2027-01-13T00:12:14Z', registrar: 'MarkMonitor Inc.', status: ['client delete prohibited', 'server transfer prohibited'], nameservers: ['ns0.wikimedia.org'] },
      'held.org': { registered: '2020-05-01T00:00:00Z', registrar: 'Some Registrar', status: ['client hold'] },
    });
    vt = await startVirusTotalDomains({ [PHISH]: { malicious: 7, categories: { 'Forcepoint ThreatSeeker': 'phishing and other frauds' } }, [OLD]: { malicious: 0 } }, { [PHISH_URL]: { malicious: 2 } });
    urlscan = await startUrlscan({ [PHISH]: [{ url: `https://${PHISH}/signin`, time: '2026-11-30T10:00:00.000Z', malicious: true }, { url: `https://${PHISH}/`, time: '2026-11-29T09:00:00.000Z', malicious: false }] });
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
    for (const e of [rdap, vt, urlscan]) e.reset();
    dns.silent = false;
    dns.garbage = false;
    dns.queries.length = 0;
  });
  after(async () => {
    for (const e of [rdap, vt, urlscan]) await e.close();
    await dns.close();
  });

  const settings = (overrides: Partial<DomainLookupSettings> = {}): DomainLookupSettings => ({
    mode: 'live',
    ownDomains: ['example.com'],
    providers: {
      dns: { servers: [dns.server] }, rdap: { url: rdap.bootstrapUrl, rate: 1000 }, virustotal: { url: vt.url, rate: 1000, concurrency: 4 }, urlscan: { url: urlscan.url, rate: 1000 },
    },
    credentials: { virustotalKey: VIRUSTOTAL_KEY, urlscanKey: URLSCAN_KEY },
    timeoutMs: 2000,
    deadlineMs: 5000,
    http: { proxy: 'none', retry: { maxRetries: 0, baseDelayMs: 5 } },
    ...overrides,
  });
  const create = (s: DomainLookupSettings): DomainLookupService => {
    const service = new DomainLookupService(s);
    services.push(service);
    return service;
  };
  const data = (o: ProviderOutcome | undefined): Record<string, unknown> => {
    assert.equal(o?.status, 'found', JSON.stringify(o));
    return (o as { data: Record<string, unknown> }).data;
  };

  it('DNS: every record type from the resolver on 127.0.0.1; NXDOMAIN and "no records" are results', async () => {
    const resolver = createDnsResolver({ servers: [dns.server], timeoutMs: 1000, tries: 1 });
    const old = await lookupDnsRecords(resolver, OLD);
    assert.equal(old.found, true);
    assert.deepEqual(old.data?.a, ['198.51.100.1']);
    assert.deepEqual(old.data?.aaaa, ['2001:db8::1']);
    assert.deepEqual(old.data?.ns, ['ns0.wikimedia.org']);
    assert.deepEqual(old.data?.txt, ['google-site-verification=abc', 'v=spf1 include:wikimedia.org ~all']);
    const www = await lookupDnsRecords(resolver, 'www.wikipedia.org');
    assert.deepEqual(www.data?.cname, ['dyna.wikimedia.org']);
    const phish = await lookupDnsRecords(resolver, PHISH);
    assert.deepEqual(phish.data?.mx, [{ exchange: 'mx.cheap-mail.test', priority: 10 }]);
    const missing = await lookupDnsRecords(resolver, 'no-such-name.org');
    assert.equal(missing.found, false);
    assert.equal(missing.data?.nxdomain, true);
    const empty = await lookupDnsRecords(resolver, 'empty.org');
    assert.equal(empty.found, false);
    assert.equal(empty.data?.nxdomain, undefined);
    assert.ok(dns.queries.some((q) => q.name === OLD && q.type === 'MX'));
  });

  it('DNS: a resolver that never answers or answers garbage is a clear error', async () => {
    dns.silent = true;
    const resolver = createDnsResolver({ servers: [dns.server], timeoutMs: 200, tries: 1 });
    await assert.rejects(lookupDnsRecords(resolver, OLD), (e: Error) => e instanceof DomainProviderError && e.code === 'timeout' && /no usable answer/.test(e.message));
    dns.silent = false;
    dns.garbage = true;
    await assert.rejects(lookupDnsRecords(resolver, OLD), (e: Error) => e instanceof DomainProviderError && /DNS: /.test(e.message));
  });

  it('live: a young phishing domain imitating ours is malicious with every source in the reasons', async () => {
    const service = create(settings());
    const run = await service.lookup([{ type: 'domain', value: PHISH }, { type: 'url', value: PHISH_URL }]);
    const [domain, url] = run.reports;
    assert.equal(domain.verdict, 'malicious');
    const reasons = domain.reasons.join('\n');
    assert.match(reasons, /look-alike of our domain example\.com/);
    assert.match(reasons, /newly registered: .* 3 days ago \(under 30 days\) at Cheap Names LLC/);
    assert.match(reasons, /VirusTotal \(domain\): 7 engines malicious/);
    assert.match(reasons, /phishing and other frauds \(Forcepoint ThreatSeeker\)/);
    assert.match(reasons, /urlscan\.io judged 1 of 2 scans malicious/);
    assert.deepEqual(data(domain.providers.dns).a, ['203.0.113.10']);
    assert.equal(data(domain.providers.rdap).registrar, 'Cheap Names LLC');
    assert.equal(data(domain.providers.rdap).abuseEmail, 'abuse@registrar.test');
    assert.equal(data(domain.providers.urlscan).total, 2);
    // The URL shares its host's answers (one call each) and adds its own VirusTotal URL report.
    assert.equal(url.verdict, 'malicious');
    assert.equal(data(url.providers['virustotal-url']).malicious, 2);
    assert.equal(vt.requestsTo('GET', `/api/v3/domains/${PHISH}`).length, 1);
    assert.equal(vt.requestsTo('GET', `/api/v3/urls/${virusTotalUrlId(PHISH_URL)}`).length, 1);
    assert.equal(rdap.requestsTo('GET', '/bootstrap/dns.json').length, 1);
    assert.equal(urlscan.requests[0].query.q, `domain:${PHISH}`);
    assert.equal(urlscan.requests[0].headers['api-key'], URLSCAN_KEY);
    // Keys never reach the call records.
    assert.ok(!JSON.stringify(run.calls).includes(VIRUSTOTAL_KEY));
    assert.ok(!JSON.stringify(run.calls).includes(URLSCAN_KEY));
    assert.equal(run.partial, false);
  });

  it('live: an old clean domain stays unknown, with its registration in the reasons; "not found" answers are results', async () => {
    const service = create(settings());
    const run = await service.lookup([{ type: 'domain', value: OLD }, { type: 'domain', value: 'never-registered-name.com' }]);
    const [old, nothing] = run.reports;
    assert.equal(old.verdict, 'unknown');
    assert.match(old.reasons.join('\n'), /registered 2001-01-13 .* at MarkMonitor Inc\./);
    assert.equal(old.providers.urlscan?.status, 'not-found');
    assert.equal(nothing.verdict, 'unknown');
    for (const id of ['dns', 'rdap', 'virustotal', 'urlscan']) assert.equal(nothing.providers[id]?.status, 'not-found', id);
    assert.match(nothing.reasons.join('\n'), /not registered/);
    assert.match(nothing.reasons.join('\n'), /does not resolve \(NXDOMAIN\)/);
  });

  it('live: a registry hold is suspicious', async () => {
    const service = create(settings({ providers: { rdap: { url: rdap.bootstrapUrl, rate: 1000 } } }));
    const run = await service.lookup([{ type: 'domain', value: 'www.held.org' }]);
    assert.equal(run.reports[0].verdict, 'suspicious');
    assert.match(run.reports[0].reasons.join('\n'), /client hold/);
    assert.equal(rdap.requestsTo('GET', '/rdap/domain/held.org').length, 1, 'RDAP asks for the registrable domain');
  });

  it('answers are cached per provider: a second lookup makes no calls', async () => {
    const service = create(settings());
    await service.lookup([{ type: 'domain', value: PHISH }]);
    const before = vt.requests.length + rdap.requests.length + urlscan.requests.length;
    const again = await service.lookup([{ type: 'domain', value: PHISH }]);
    assert.equal(vt.requests.length + rdap.requests.length + urlscan.requests.length, before);
    assert.equal((again.reports[0].providers.virustotal as { cached?: boolean }).cached, true);
    assert.equal(again.reports[0].verdict, 'malicious');
  });

  it('429 from VirusTotal pauses it (quota) and the others still answer; garbage and 5xx are clear errors', async () => {
    const service = create(settings());
    vt.script('GET', `/api/v3/domains/${PHISH}`, { status: 429, body: { error: { code: 'QuotaExceededError', message: 'Quota exceeded' } } });
    rdap.script('GET', `/rdap/domain/${PHISH}`, { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Service temporarily unavailable</body></html>' });
    urlscan.script('GET', '/api/v1/search/', faults.serverError(503));
    const run = await service.lookup([{ type: 'domain', value: PHISH }]);
    const r = run.reports[0];
    const vtOut = r.providers.virustotal as { status: string; code?: string; error?: string };
    assert.equal(vtOut.status, 'error');
    assert.equal(vtOut.code, 'quota');
    const rdapOut = r.providers.rdap as { status: string; code?: string; error?: string };
    assert.equal(rdapOut.code, 'invalid-response');
    assert.match(rdapOut.error ?? '', /RDAP: answered text\/html that is not JSON: "<html><body>Service temporarily unavailable/);
    assert.equal((r.providers.urlscan as { code?: string }).code, 'unavailable');
    assert.equal(r.providers.dns?.status, 'found');
    // The look-alike alone still makes it suspicious; the reasons say what is missing.
    assert.equal(r.verdict, 'suspicious');
    assert.match(r.reasons.join('\n'), /incomplete: no answer from rdap, virustotal, urlscan/);
    // Paused: the next lookup does not call VirusTotal.
    const calls = vt.requests.length;
    const next = await service.lookup([{ type: 'domain', value: 'other-name.org' }]);
    assert.equal(vt.requests.length, calls);
    assert.match((next.reports[0].providers.virustotal as { reason?: string }).reason ?? '', /VirusTotal quota exhausted; no calls until/);
  });

  it('a short 429 from urlscan.io is a rate limit: that provider waits, the rest goes on', async () => {
    const service = create(settings());
    urlscan.script('GET', '/api/v1/search/', faults.tooManyRequests(30, { message: 'Rate limit for this action exceeded', status: 429 }));
    const run = await service.lookup([{ type: 'domain', value: OLD }]);
    const out = run.reports[0].providers.urlscan as { code?: string; error?: string };
    assert.equal(out.code, 'rate-limited');
    assert.match(out.error ?? '', /retry after 30 s/);
    assert.equal(run.reports[0].providers.rdap?.status, 'found');
    const next = await service.lookup([{ type: 'domain', value: PHISH }]);
    assert.match((next.reports[0].providers.urlscan as { reason?: string }).reason ?? '', /urlscan\.io rate limited/);
    assert.equal(urlscan.requests.length, 1);
  });

  it('urlscan.io saying the daily window is used up is a quota', async () => {
    const service = create(settings({ providers: { urlscan: { url: urlscan.url, rate: 1000 } } }));
    urlscan.script('GET', '/api/v1/search/', {
      status: 429, headers: { 'x-rate-limit-scope': 'ip-address', 'x-rate-limit-action': 'search', 'x-rate-limit-window': 'day', 'x-rate-limit-limit': '1000', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset-after': '36000' },
      body: { message: 'Rate limit for this action exceeded', status: 429 },
    });
    const run = await service.lookup([{ type: 'domain', value: OLD }]);
    assert.equal((run.reports[0].providers.urlscan as { code?: string }).code, 'quota');
    const next = await service.lookup([{ type: 'domain', value: PHISH }]);
    assert.match((next.reports[0].providers.urlscan as { reason?: string }).reason ?? '', /urlscan\.io quota exhausted/);
  });

  it('a TLD the bootstrap file does not list: RDAP answers "not found" with why', async () => {
    const service = create(settings({ providers: { rdap: { url: rdap.bootstrapUrl, rate: 1000 } } }));
    const run = await service.lookup([{ type: 'domain', value: 'example-shop.de' }]);
    assert.equal(run.reports[0].providers.rdap?.status, 'not-found');
    assert.match(JSON.stringify(run.reports[0].providers.rdap), /no RDAP service for \.de/);
  });

  it('a refused key is an auth error naming the config node', async () => {
    const service = create(settings({ credentials: { virustotalKey: 'wrong-key' }, providers: { virustotal: { url: vt.url, rate: 1000 } } }));
    const run = await service.lookup([{ type: 'domain', value: PHISH }]);
    const out = run.reports[0].providers.virustotal as { code?: string; error?: string };
    assert.equal(out.code, 'auth');
    assert.match(out.error ?? '', /domain lookup config node/);
    assert.ok(!(out.error ?? '').includes('wrong-key'));
  });

  it('the deadline keeps what answered and marks the rest timed out (partial)', async () => {
    const service = create(settings({ deadlineMs: 300 }));
    urlscan.script('GET', '/api/v1/search/', faults.latency(3000, { body: { results: [], total: 0 } }));
    const run = await service.lookup([{ type: 'domain', value: PHISH }]);
    const r = run.reports[0];
    assert.equal(run.partial, true);
    assert.equal(r.partial, true);
    assert.equal(r.providers.urlscan?.status, 'timed-out');
    assert.equal(r.providers.virustotal?.status, 'found');
    assert.match(r.reasons.join('\n'), /partial: the lookup deadline \(300 ms\)/);
  });

  it('own domains, internal names and IP-literal URLs are not sent online', async () => {
    const service = create(settings());
    const run = await service.lookup([{ type: 'domain', value: 'www.example.com' }, { type: 'domain', value: 'fs1.corp.internal' }, { type: 'url', value: 'http://203.0.113.50/x.exe' }]);
    assert.equal(vt.requests.length + rdap.requests.length + urlscan.requests.length, 0);
    assert.equal(dns.queries.length, 0);
    assert.match((run.reports[0].providers.virustotal as { reason: string }).reason, /our own domains/);
    assert.match((run.reports[1].providers.rdap as { reason: string }).reason, /not a public suffix/);
    assert.match((run.reports[2].providers.dns as { reason: string }).reason, /IP address \(documentation\)/);
  });

  it('dry-run: nothing is sent, the calls are recorded (keys redacted, missing ones named), the offline verdict stands', async () => {
    const service = create(settings({ mode: 'dry-run', credentials: {} }));
    const run = await service.lookup([{ type: 'url', value: PHISH_URL }]);
    assert.equal(vt.requests.length + rdap.requests.length + urlscan.requests.length, 0);
    assert.equal(dns.queries.length, 0);
    const r = run.reports[0];
    assert.equal(r.verdict, 'suspicious');
    for (const id of ['dns', 'rdap', 'virustotal', 'urlscan', 'virustotal-url']) assert.equal(r.providers[id]?.status, 'dry-run', id);
    assert.deepEqual(run.calls.map((c) => c.operation).sort(), ['rdap.domain', 'urlscan.search', 'virustotal.domains', 'virustotal.urls']);
    const vtCall = run.calls.find((c) => c.operation === 'virustotal.domains');
    assert.deepEqual(vtCall?.missingCredentials, ['virustotalKey']);
    assert.ok(run.calls.every((c) => c.outcome === 'dry-run'));
  });

  it('live without the VirusTotal key: that provider is off and the problem is named', () => {
    const service = create(settings({ credentials: {} }));
    assert.deepEqual(service.enabledProviders.sort(), ['dns', 'rdap', 'urlscan']);
    assert.match(service.problems.join(), /VirusTotal: live mode needs virustotalKey/);
  });
});
