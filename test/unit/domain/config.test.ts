import assert from 'node:assert/strict';
import { domainSettingsFromConfig } from '../../../core/domain/config';
import { createInvoker } from '../../../core/integrations/dry-run';
import { RdapDnsBootstrap } from '../../../core/integrations/rdap-domain';
import { parseUrlscanSearch } from '../../../core/integrations/urlscan';
import { parseVirusTotalReport, virusTotalUrlId } from '../../../core/integrations/virustotal-domain';
import { DomainProviderError } from '../../../core/integrations/domain-provider';

describe('domain: config fields and answer parsing', () => {
  it('turns the config node fields into settings', () => {
    const s = domainSettingsFromConfig({
      mode: 'live', ownDomains: 'example.com\n example.co.uk ,# a comment\n', dns: true, dnsServer: '10.0.0.53, 127.0.0.1:5353', rdap: 'true', rdapUrl: ' http://127.0.0.1:1/dns.json ',
      virustotal: false, urlscan: true, urlscanRate: '2', urlscanConcurrency: '3', newlyRegistered: '14', cacheTtl: '1', deadline: '5',
    }, { virustotalKey: ' k ', urlscanKey: '' });
    assert.equal(s.mode, 'live');
    assert.deepEqual(s.ownDomains, ['example.com', 'example.co.uk']);
    assert.deepEqual(s.providers.dns?.servers, ['10.0.0.53', '127.0.0.1:5353']);
    assert.equal(s.providers.rdap?.url, 'http://127.0.0.1:1/dns.json');
    assert.equal(s.providers.virustotal, undefined);
    assert.deepEqual(s.providers.urlscan, { rate: 2, concurrency: 3 });
    assert.deepEqual(s.credentials, { virustotalKey: 'k' });
    assert.equal(s.newlyRegisteredDays, 14);
    assert.equal(s.cache?.ttlMs, 3600_000);
    assert.equal(s.deadlineMs, 5000);
    assert.equal(domainSettingsFromConfig({ mode: 'anything' }, undefined).mode, 'dry-run');
  });

  it('RDAP bootstrap: the longest matching suffix wins, https preferred', async () => {
    const b = new RdapDnsBootstrap('http://unused.invalid/dns.json');
    b.load({ services: [[['com', 'net'], ['http://plain.test/', 'https://verisign.test/com/v1/']], [['co.uk', 'uk'], ['https://nominet.test/']], 'junk', [['bad']]] });
    const invoker = createInvoker({ mode: 'dry-run' });
    assert.equal(await b.baseFor({ invoker }, 'www.example.com'), 'https://verisign.test/com/v1/');
    assert.equal(await b.baseFor({ invoker }, 'example.co.uk'), 'https://nominet.test/');
    assert.equal(await b.baseFor({ invoker }, 'example.zz'), undefined);
    assert.throws(() => b.load({ no: 'services' }), DomainProviderError);
  });

  it('VirusTotal: URL identifiers are unpadded base64url; an answer without stats is garbage', () => {
    assert.equal(virusTotalUrlId('http://example.com/'), 'aHR0cDovL2V4YW1wbGUuY29tLw');
    assert.throws(() => parseVirusTotalReport({ data: { attributes: {} } }, 'x'), /last_analysis_stats/);
  });

  it('urlscan: counts, first and last seen, verdicts when present; no results list is garbage', () => {
    const d = parseUrlscanSearch({
      total: 3, results: [
        { task: { url: 'https://a.test/', time: '2026-01-02T00:00:00Z' }, page: { title: 'A' }, verdicts: { overall: { malicious: true } } },
        { task: { url: 'https://a.test/x', time: '2026-01-01T00:00:00Z' }, page: {} },
        { nothing: true },
      ],
    }, 'link');
    assert.equal(d.total, 3);
    assert.equal(d.malicious, 1);
    assert.equal(d.firstSeen, '2026-01-01T00:00:00Z');
    assert.equal(d.lastSeen, '2026-01-02T00:00:00Z');
    assert.equal(d.recent[0].url, 'https://a.test/');
    assert.throws(() => parseUrlscanSearch({ hits: [] }, 'link'), /no results list/);
  });
});
