import assert from 'node:assert/strict';
import { classify } from '../../../core/ip/classify';
import type { OfflineResult } from '../../../core/ip/offline';
import { decideVerdict, type ProviderOutcome } from '../../../core/ip/verdict';

function offline(address: string, extra: Partial<OfflineResult> = {}): OfflineResult {
  const c = classify(address);
  const { address: canonical, version, ...classification } = c;
  return { address: canonical, version, classification, blocklisted: [], allowlisted: [], ...extra };
}
const found = (data: Record<string, unknown>): ProviderOutcome => ({ status: 'found', data });
const listed = (list: string) => [{ list, entry: '203.0.113.0/24', line: 3, comment: 'SBL1' }];

describe('ip: verdict', () => {
  it('is unknown with nothing known, and says why for a private address', () => {
    assert.deepEqual(decideVerdict(offline('8.8.8.8'), {}), { verdict: 'unknown', reasons: ['no source has anything against or for this address'] });
    const internal = decideVerdict(offline('192.168.1.10'), {});
    assert.equal(internal.verdict, 'unknown');
    assert.match(internal.reasons[0], /^private address in 192\.168\.0\.0\/16: RFC 1918 private network; no internet reputation/);
  });

  it('names the range and the registry entry of a special address in plain words', () => {
    assert.deepEqual(decideVerdict(offline('198.18.0.1'), {}).reasons, ['bogon address in 198.18.0.0/15: RFC 2544 benchmarking (never routed on the internet); no internet reputation']);
    assert.deepEqual(decideVerdict(offline('192.88.99.1'), {}).reasons, ['reserved address in 192.88.99.0/24: RFC 7526 deprecated 6to4 relay anycast; no internet reputation']);
    assert.deepEqual(decideVerdict(offline('4000::1'), {}).reasons, ['reserved address: IANA reserved IPv6 space, outside the global unicast 2000::/3; no internet reputation']);
    const nat64 = decideVerdict(offline('64:ff9b::8.8.8.8'), {});
    assert.deepEqual(nat64.reasons, ['NAT64 address (64:ff9b::/96): lists, geo and reputation are those of the embedded IPv4 8.8.8.8']);
  });

  it('applies the AbuseIPDB and VirusTotal thresholds', () => {
    const abuse = (score: number) => decideVerdict(offline('8.8.8.8'), { abuseipdb: found({ abuseConfidenceScore: score, totalReports: 3 }) }).verdict;
    assert.deepEqual([abuse(0), abuse(24), abuse(25), abuse(74), abuse(75), abuse(100)], ['unknown', 'unknown', 'suspicious', 'suspicious', 'malicious', 'malicious']);
    const vt = (malicious: number, suspicious = 0) => decideVerdict(offline('8.8.8.8'), { virustotal: found({ malicious, suspicious, harmless: 50, undetected: 10, tags: [] }) }).verdict;
    assert.deepEqual([vt(0), vt(0, 1), vt(2), vt(3)], ['unknown', 'suspicious', 'suspicious', 'malicious']);
  });

  it('lets the strongest signal win, and keeps every reason', () => {
    const v = decideVerdict(offline('8.8.8.8'), {
      greynoise: found({ noise: false, riot: true, classification: 'benign', name: 'Google Public DNS' }),
      virustotal: found({ malicious: 1, suspicious: 0, harmless: 70, undetected: 0, tags: [] }),
    });
    assert.equal(v.verdict, 'suspicious');
    assert.deepEqual(v.reasons, ['benign: GreyNoise RIOT: known business service (Google Public DNS)', 'suspicious: VirusTotal: 1 engines malicious, 0 suspicious']);
  });

  it('a blocklist entry is malicious; an allowlist entry is benign whatever else says', () => {
    assert.equal(decideVerdict(offline('203.0.113.9', { blocklisted: listed('drop.txt') }), {}).verdict, 'malicious');
    const both = decideVerdict(offline('203.0.113.9', { blocklisted: listed('drop.txt'), allowlisted: listed('ours.txt') }), { abuseipdb: found({ abuseConfidenceScore: 100, totalReports: 9 }) });
    assert.equal(both.verdict, 'benign');
    assert.match(both.reasons[0], /^benign: on allowlist ours\.txt \(203\.0\.113\.0\/24 ; SBL1, line 3\), which overrides the other signals/);
    assert.ok(both.reasons.some((r) => /on blocklist drop\.txt/.test(r)));
  });

  it('anonymisers are suspicious; provider failures make the reasons say incomplete', () => {
    const anonymity = { anonymous: true, vpn: true, hostingProvider: false, publicProxy: false, residentialProxy: false, torExitNode: false, network: '1.2.0.0/16', database: 'GeoIP2-Anonymous-IP' };
    const v = decideVerdict(offline('1.2.3.4', { anonymity }), { greynoise: { status: 'timed-out', error: 'deadline' }, abuseipdb: { status: 'error', code: 'quota', error: 'quota' } });
    assert.equal(v.verdict, 'suspicious');
    assert.deepEqual(v.reasons, ['suspicious: anonymising service: VPN (GeoIP2-Anonymous-IP)', 'incomplete: no answer from greynoise, abuseipdb']);
  });
});
