// AbuseIPDB APIv2 CHECK: community abuse reports and a 0-100 confidence score per address.
// Free tier: 1,000 checks a day; the 429 that follows says so, and is reported as a quota.
import type { ProviderAnswer, ProviderContext } from './ip-provider';
import { joinUrl, jsonObject, num, providerError, ProviderError, str, strings } from './ip-provider';

export const ABUSEIPDB_URL = 'https://api.abuseipdb.com';
const QUOTA = 'free tier: 1,000 checks a day';

export interface AbuseIpdbData {
  abuseConfidenceScore: number;
  totalReports: number;
  distinctReporters?: number;
  lastReportedAt?: string;
  countryCode?: string;
  usageType?: string;
  isp?: string;
  domain?: string;
  isTor?: boolean;
  isWhitelisted?: boolean;
  link: string;
  [key: string]: unknown;
}

export function parseAbuseIpdb(body: Record<string, unknown>, ip: string): AbuseIpdbData {
  const d = body.data as Record<string, unknown> | undefined;
  const score = num(d?.abuseConfidenceScore);
  if (!d || score === undefined) throw new ProviderError('abuseipdb', 'invalid-response', 'answer has no data.abuseConfidenceScore');
  const out: AbuseIpdbData = { abuseConfidenceScore: score, totalReports: num(d.totalReports) ?? 0, link: `https://www.abuseipdb.com/check/${encodeURIComponent(ip)}` };
  const extra: Record<string, unknown> = {
    distinctReporters: num(d.numDistinctUsers), lastReportedAt: str(d.lastReportedAt), countryCode: str(d.countryCode), usageType: str(d.usageType),
    isp: str(d.isp), domain: str(d.domain), isTor: typeof d.isTor === 'boolean' ? d.isTor : undefined,
    isWhitelisted: typeof d.isWhitelisted === 'boolean' ? d.isWhitelisted : undefined,
    hostnames: strings(d.hostnames).length ? strings(d.hostnames) : undefined,
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out;
}

/** The one place that calls AbuseIPDB: GET /api/v2/check. */
export async function lookupAbuseIpdb(ctx: ProviderContext, ip: string, maxAgeInDays = 90): Promise<ProviderAnswer> {
  let res;
  try {
    res = await ctx.invoker.invoke({
      operation: 'abuseipdb.check',
      method: 'GET',
      url: joinUrl(ctx.baseUrl || ABUSEIPDB_URL, '/api/v2/check'),
      query: { ipAddress: ip, maxAgeInDays },
      headers: { key: ctx.apiKey ?? '', accept: 'application/json' },
      destination: 'abuseipdb',
      // A 429 here may be a spent daily quota: the provider reads it at once (see provider-errors).
      retryRateLimited: false,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      simulated: { json: { data: { ipAddress: ip, isPublic: true, abuseConfidenceScore: 0, totalReports: 0, numDistinctUsers: 0 } } },
      ...(ctx.missingCredentials?.length ? { missingCredentials: ctx.missingCredentials } : {}),
    });
  } catch (err) {
    throw providerError('abuseipdb', err, QUOTA);
  }
  const data = parseAbuseIpdb(jsonObject('abuseipdb', res.text, res.headers['content-type']), ip);
  // Every address gets an answer; no reports at all is AbuseIPDB's "nothing known".
  return { found: data.totalReports > 0 || data.isWhitelisted === true, data, ...(res.dryRun ? { dryRun: true } : {}) };
}
