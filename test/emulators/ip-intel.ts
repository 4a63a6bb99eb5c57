// IP reputation and ownership services on loopback, answering like the real APIs (shapes from
// ../shared/reference/integrations.md): AbuseIPDB /api/v2/check, GreyNoise /v3/community/{ip},
// Shodan InternetDB /{ip}, VirusTotal /api/v3/ip_addresses/{ip}, RDAP bootstrap + registry.
// Unknown addresses get each service's own "no data" answer; faults via emulator.script().
import { parseIp } from '../../core/normalize/ip';
import { startEmulator, type Emulator, type RecordedRequest, type ScriptedResponse } from './server';

export const ABUSEIPDB_KEY = 'abuseipdb-test-key-0123456789abcdef';
export const VIRUSTOTAL_KEY = 'vt-test-key-0123456789abcdef0123456789abcdef0123456789abcdef0123';

function ipFromPath(req: RecordedRequest, prefix: string): string {
  return decodeURIComponent(req.path.slice(prefix.length));
}

/** AbuseIPDB: `scores` maps an address to its confidence score and report count. */
export function startAbuseIpdb(scores: Record<string, { score: number; reports: number; whitelisted?: boolean }> = {}): Promise<Emulator> {
  return startEmulator({
    routes: [{
      method: 'GET', path: '/api/v2/check',
      respond: (req): ScriptedResponse => {
        if (req.headers.key !== ABUSEIPDB_KEY) return { status: 401, body: { errors: [{ detail: 'Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.', status: 401 }] } };
        const ip = req.query.ipAddress ?? '';
        const parsed = parseIp(ip);
        if (!parsed) return { status: 422, body: { errors: [{ detail: 'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).', status: 422, source: { parameter: 'ipAddress' } }] } };
        const s = scores[parsed.canonical] ?? { score: 0, reports: 0 };
        return {
          headers: { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '999' },
          body: {
            data: {
              ipAddress: parsed.canonical, isPublic: true, ipVersion: parsed.version, isWhitelisted: s.whitelisted ?? false,
              abuseConfidenceScore: s.score, countryCode: 'GB', usageType: 'Data Center/Web Hosting/Transit', isp: 'Test ISP', domain: 'example.net',
              hostnames: [], isTor: false, totalReports: s.reports, numDistinctUsers: Math.min(s.reports, 7), lastReportedAt: s.reports ? '2026-01-02T03:04:05+00:00' : null,
            },
          },
        };
      },
    }],
  });
}

/** The 429 AbuseIPDB sends once the day's checks are used up. */
export const abuseIpdbDailyQuota = (): ScriptedResponse => ({
  status: 429,
  headers: { 'retry-after': '29322', 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0' },
  body: { errors: [{ detail: 'Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.', status: 429 }] },
});

/** GreyNoise community: `known` maps an address to its record. */
export function startGreyNoise(known: Record<string, { noise: boolean; riot: boolean; classification: string; name: string }> = {}): Promise<Emulator> {
  return startEmulator({
    routes: [{
      method: 'GET', path: /^\/v3\/community\/[^/]+$/,
      respond: (req): ScriptedResponse => {
        const ip = ipFromPath(req, '/v3/community/');
        if (!parseIp(ip)) return { status: 400, body: { message: 'Request is not a valid routable IPv4 address' } };
        const rec = known[ip];
        if (!rec) return { status: 404, body: { ip, noise: false, riot: false, message: 'IP not observed scanning the internet or contained in RIOT data set.' } };
        return { body: { ip, ...rec, link: `https://viz.greynoise.io/ip/${ip}`, last_seen: '2026-01-01', message: 'Success' } };
      },
    }],
  });
}

/** Shodan InternetDB. */
export function startInternetDb(known: Record<string, { ports: number[]; tags?: string[]; vulns?: string[]; hostnames?: string[] }> = {}): Promise<Emulator> {
  return startEmulator({
    routes: [{
      method: 'GET', path: /^\/[^/]+$/,
      respond: (req): ScriptedResponse => {
        const ip = ipFromPath(req, '/');
        if (!parseIp(ip)) return { status: 422, body: { detail: [{ loc: ['path', 'ip'], msg: 'value is not a valid IPv4 or IPv6 address', type: 'value_error.ipvanyaddress' }] } };
        const rec = known[ip];
        if (!rec) return { status: 404, body: { detail: 'No information available' } };
        return { body: { ip, ports: rec.ports, hostnames: rec.hostnames ?? [], cpes: [], tags: rec.tags ?? [], vulns: rec.vulns ?? [] } };
      },
    }],
  });
}

/** VirusTotal v3. */
export function startVirusTotal(known: Record<string, { malicious: number; suspicious?: number; harmless?: number }> = {}): Promise<Emulator> {
  return startEmulator({
    routes: [{
      method: 'GET', path: /^\/api\/v3\/ip_addresses\/[^/]+$/,
      respond: (req): ScriptedResponse => {
        if (req.headers['x-apikey'] !== VIRUSTOTAL_KEY) return { status: 401, body: { error: { code: 'WrongCredentialsError', message: 'Wrong API key' } } };
        const ip = ipFromPath(req, '/api/v3/ip_addresses/');
        if (!parseIp(ip)) return { status: 400, body: { error: { code: 'InvalidArgumentError', message: `Invalid IP address: ${ip}` } } };
        const rec = known[ip];
        if (!rec) return { status: 404, body: { error: { code: 'NotFoundError', message: `IP address "${ip}" not found` } } };
        return {
          body: {
            data: {
              id: ip, type: 'ip_address', links: { self: `https://www.virustotal.com/api/v3/ip_addresses/${ip}` },
              attributes: {
                as_owner: 'Test AS', asn: 64500, country: 'GB', network: `${ip}/24`, reputation: -rec.malicious, tags: [], last_analysis_date: 1767225600,
                last_analysis_stats: { harmless: rec.harmless ?? 60, malicious: rec.malicious, suspicious: rec.suspicious ?? 0, undetected: 20, timeout: 0 },
              },
            },
          },
        };
      },
    }],
  });
}

/** The 429 VirusTotal sends over quota. */
export const virusTotalQuota = (): ScriptedResponse => ({ status: 429, body: { error: { code: 'QuotaExceededError', message: 'Quota exceeded' } } });

/**
 * RDAP: IANA-style bootstrap at /bootstrap/ipv4.json and ipv6.json naming this server's
 * /registry/ as the service for everything; /registry/ip/{ip} answers an ip network object
 * for `known` addresses (after a 302 from /redirect/ip/{ip}, like rdap.org) and 404 otherwise.
 */
export async function startRdap(known: Record<string, { handle: string; name: string; start: string; end: string; country?: string; owner: string; abuse: string }> = {}): Promise<Emulator> {
  let base = '';
  const emulator = await startEmulator({
    routes: [
      { method: 'GET', path: '/bootstrap/ipv4.json', respond: () => ({ body: { version: '1.0', publication: '2026-01-01T00:00:00Z', services: [[['0.0.0.0/1'], [`${base}/redirect/`]], [['128.0.0.0/1'], [`${base}/redirect/`]]] } }) },
      { method: 'GET', path: '/bootstrap/ipv6.json', respond: () => ({ body: { version: '1.0', services: [[['2000::/3'], [`${base}/redirect/`]]] } }) },
      { method: 'GET', path: /^\/redirect\/ip\//, respond: (req) => ({ status: 302, headers: { location: `${base}/registry/ip/${ipFromPath(req, '/redirect/ip/')}` } }) },
      {
        method: 'GET', path: /^\/registry\/ip\//,
        respond: (req): ScriptedResponse => {
          const ip = ipFromPath(req, '/registry/ip/');
          const rec = known[ip];
          if (!rec) return { status: 404, headers: { 'content-type': 'application/rdap+json' }, body: JSON.stringify({ errorCode: 404, title: 'Not Found', description: ['no network found'] }) };
          return {
            headers: { 'content-type': 'application/rdap+json' },
            body: JSON.stringify({
              rdapConformance: ['rdap_level_0', 'cidr0'], objectClassName: 'ip network', handle: rec.handle, name: rec.name, type: 'ASSIGNED PA',
              startAddress: rec.start, endAddress: rec.end, ipVersion: 'v4', ...(rec.country ? { country: rec.country } : {}), port43: 'whois.example.net',
              cidr0_cidrs: [{ v4prefix: rec.start, length: 24 }],
              links: [{ value: `${base}/registry/ip/${ip}`, rel: 'self', href: `${base}/registry/ip/${ip}`, type: 'application/rdap+json' }],
              entities: [{
                objectClassName: 'entity', handle: 'ORG-1', roles: ['registrant'],
                vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', rec.owner], ['kind', {}, 'text', 'org']]],
                entities: [{
                  objectClassName: 'entity', handle: 'ABUSE-1', roles: ['abuse'],
                  vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', 'Abuse desk'], ['email', {}, 'text', rec.abuse], ['tel', { type: 'voice' }, 'uri', 'tel:+44-20-0000-0000']]],
                }],
              }],
            }),
          };
        },
      },
    ],
  });
  base = emulator.url;
  return emulator;
}
