// Domain intelligence services on loopback, answering like the real APIs: IANA's RDAP
// bootstrap (dns.json) and a registry's /domain/{name} (RFC 9083), VirusTotal v3
// /api/v3/domains/{d} and /api/v3/urls/{id}, urlscan.io /api/v1/search/. Unknown names get each
// service's own "not found" answer; faults via emulator.script().
import { Buffer } from 'node:buffer';
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export const VIRUSTOTAL_KEY = 'vt-domain-test-key-0123456789abcdef0123456789abcdef0123456789abcd';
export const URLSCAN_KEY = '01234567-89ab-cdef-0123-456789abcdef';

export interface RegisteredDomain {
  registered: string;
  expires?: string;
  registrar?: string;
  status?: string[];
  nameservers?: string[];
}

/** IANA's bootstrap and one registry (on the same emulator) serving the given TLDs. */
export async function startRdapDomains(tlds: string[], domains: Record<string, RegisteredDomain>): Promise<Emulator & { bootstrapUrl: string }> {
  let base = '';
  const emulator = await startEmulator({
    routes: [
      { method: 'GET', path: '/bootstrap/dns.json', respond: (): ScriptedResponse => ({
        body: { version: '1.0', publication: '2026-11-01T00:00:00Z', description: 'RDAP bootstrap file for Domain Name System registrations', services: [[tlds, [`${base}/rdap/`]], [['invalid'], ['http://127.0.0.1:1/']]] },
      }) },
      { method: 'GET', path: /^\/rdap\/domain\/[^/]+$/, respond: (req: RecordedRequest): ScriptedResponse => {
        const name = decodeURIComponent(req.path.slice('/rdap/domain/'.length)).toLowerCase();
        const d = domains[name];
        if (!d) return { status: 404, headers: { 'content-type': 'application/rdap+json' }, body: { errorCode: 404, title: 'Not Found', description: [`${name} is not registered`] } };
        return {
          headers: { 'content-type': 'application/rdap+json' },
          body: {
            objectClassName: 'domain', handle: `${name.toUpperCase()}-TEST`, ldhName: name.toUpperCase(),
            rdapConformance: ['rdap_level_0', 'icann_rdap_response_profile_0'],
            status: d.status ?? ['client transfer prohibited'],
            events: [
              { eventAction: 'registration', eventDate: d.registered },
              ...(d.expires ? [{ eventAction: 'expiration', eventDate: d.expires }] : []),
              { eventAction: 'last update of RDAP database', eventDate: '2026-12-01T00:00:00Z' },
            ],
            entities: d.registrar ? [{
              objectClassName: 'entity', handle: '9999', roles: ['registrar'], publicIds: [{ type: 'IANA Registrar ID', identifier: '9999' }],
              vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', d.registrar]]],
              entities: [{ objectClassName: 'entity', roles: ['abuse'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', ''], ['email', {}, 'text', 'abuse@registrar.test']]] }],
            }] : [],
            nameservers: (d.nameservers ?? []).map((ns) => ({ objectClassName: 'nameserver', ldhName: ns.toUpperCase() })),
            secureDNS: { delegationSigned: false },
            links: [{ value: `${base}/rdap/domain/${name}`, rel: 'self', href: `${base}/rdap/domain/${name}`, type: 'application/rdap+json' }],
          },
        };
      } },
    ],
  });
  base = emulator.url;
  return Object.assign(emulator, { bootstrapUrl: `${emulator.url}/bootstrap/dns.json` });
}

export interface VtVerdict {
  malicious: number;
  suspicious?: number;
  categories?: Record<string, string>;
  created?: string;
}

function vtStats(v: VtVerdict): Record<string, number> {
  return { harmless: 60 - v.malicious, malicious: v.malicious, suspicious: v.suspicious ?? 0, undetected: 10, timeout: 0 };
}

function vtResults(v: VtVerdict): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < v.malicious; i++) out[`Engine${i + 1}`] = { category: 'malicious', result: 'phishing', method: 'blacklist', engine_name: `Engine${i + 1}` };
  out.CleanEngine = { category: 'harmless', result: 'clean', method: 'blacklist', engine_name: 'CleanEngine' };
  return out;
}

/** VirusTotal v3 domain and URL reports; `urls` is keyed by the URL as submitted. */
export function startVirusTotalDomains(domains: Record<string, VtVerdict>, urls: Record<string, VtVerdict> = {}): Promise<Emulator> {
  const unauthorised = (req: RecordedRequest): ScriptedResponse | undefined => (req.headers['x-apikey'] === VIRUSTOTAL_KEY ? undefined
    : { status: 401, body: { error: { code: 'WrongCredentialsError', message: 'Wrong API key' } } });
  return startEmulator({
    routes: [
      { method: 'GET', path: /^\/api\/v3\/domains\/[^/]+$/, respond: (req): ScriptedResponse => {
        const denied = unauthorised(req);
        if (denied) return denied;
        const d = decodeURIComponent(req.path.slice('/api/v3/domains/'.length));
        const v = domains[d];
        if (!v) return { status: 404, body: { error: { code: 'NotFoundError', message: `Domain "${d}" not found` } } };
        return { body: { data: { id: d, type: 'domain', links: { self: `https://www.virustotal.com/api/v3/domains/${d}` }, attributes: {
          last_analysis_stats: vtStats(v), last_analysis_results: vtResults(v), reputation: -v.malicious * 10, categories: v.categories ?? {}, tags: [],
          ...(v.created ? { creation_date: Math.floor(Date.parse(v.created) / 1000) } : {}), registrar: 'Test Registrar', last_analysis_date: 1764547200,
        } } } };
      } },
      { method: 'GET', path: /^\/api\/v3\/urls\/[^/]+$/, respond: (req): ScriptedResponse => {
        const denied = unauthorised(req);
        if (denied) return denied;
        const id = req.path.slice('/api/v3/urls/'.length);
        const url = Buffer.from(id, 'base64url').toString('utf8');
        const v = urls[url];
        if (!v) return { status: 404, body: { error: { code: 'NotFoundError', message: `URL "${id}" not found` } } };
        return { body: { data: { id, type: 'url', attributes: {
          url, last_final_url: url, title: 'Sign in', last_analysis_stats: vtStats(v), last_analysis_results: vtResults(v), categories: v.categories ?? {}, tags: [], reputation: 0, last_analysis_date: 1764547200,
        } } } };
      } },
    ],
  });
}

export interface UrlscanScan {
  url: string;
  time: string;
  malicious?: boolean;
}

/** urlscan.io search: `scans` by domain; `q=domain:<d>` matches the domain and its subdomains. */
export function startUrlscan(scans: Record<string, UrlscanScan[]>): Promise<Emulator> {
  return startEmulator({
    routes: [{
      method: 'GET', path: '/api/v1/search/',
      respond: (req): ScriptedResponse => {
        const key = req.headers['api-key'];
        if (key !== undefined && key !== URLSCAN_KEY) return { status: 400, body: { message: 'Invalid API key format', status: 400 } };
        const q = req.query.q ?? '';
        const m = /^domain:(\S+)$/.exec(q);
        if (!m) return { status: 400, body: { message: 'Invalid query', description: `Could not parse query "${q}"`, status: 400 } };
        const domain = m[1].toLowerCase();
        const list = Object.entries(scans).filter(([d]) => d === domain || d.endsWith(`.${domain}`)).flatMap(([, s]) => s);
        return {
          headers: { 'x-rate-limit-scope': 'ip-address', 'x-rate-limit-action': 'search', 'x-rate-limit-window': 'minute', 'x-rate-limit-limit': '30', 'x-rate-limit-remaining': '29' },
          body: {
            results: list.map((s, i) => {
              const u = new URL(s.url);
              return {
                task: { visibility: 'public', method: 'api', domain: u.hostname, apexDomain: u.hostname, time: s.time, uuid: `0000000${i}-aaaa-bbbb-cccc-dddddddddddd`, url: s.url },
                stats: { uniqIPs: 3, uniqCountries: 1, dataLength: 12345, encodedDataLength: 6789, requests: 12 },
                page: { country: 'NL', server: 'nginx', ip: '203.0.113.10', mimeType: 'text/html', title: 'Sign in', url: s.url, tlsValidDays: 89, tlsAgeDays: 1, domain: u.hostname, apexDomain: u.hostname, asnname: 'TEST-AS, NL', asn: 'AS64500', status: '200' },
                ...(key && s.malicious !== undefined ? { verdicts: { overall: { score: s.malicious ? 100 : 0, malicious: s.malicious, hasVerdicts: true } } } : {}),
                _id: `0000000${i}-aaaa-bbbb-cccc-dddddddddddd`, _score: null, sort: [Date.parse(s.time), `0000000${i}`],
                result: `https://urlscan.io/api/v1/result/0000000${i}-aaaa-bbbb-cccc-dddddddddddd/`,
                screenshot: `https://urlscan.io/screenshots/0000000${i}-aaaa-bbbb-cccc-dddddddddddd.png`,
              };
            }),
            total: list.length, took: 3, has_more: false,
          },
        };
      },
    }],
  });
}
