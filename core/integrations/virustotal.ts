// VirusTotal API v3 IP address report: how many engines flag the address, its reputation, owner
// and network. Public API: 4 requests a minute and 500 a day; QuotaExceededError is a quota.
import type { ProviderAnswer, ProviderContext } from './ip-provider';
import { addressForPath, joinUrl, jsonObject, num, providerError, ProviderError, str, strings } from './ip-provider';

export const VIRUSTOTAL_URL = 'https://www.virustotal.com';
const QUOTA = 'public API: 4 requests a minute, 500 a day';

export interface VirusTotalData {
  malicious: number;
  suspicious: number;
  harmless: number;
  undetected: number;
  reputation?: number;
  asOwner?: string;
  asn?: number;
  country?: string;
  network?: string;
  tags: string[];
  lastAnalysisDate?: string;
  link: string;
}

export function parseVirusTotal(body: Record<string, unknown>, ip: string): VirusTotalData {
  const attrs = (body.data as { attributes?: Record<string, unknown> } | undefined)?.attributes;
  const stats = attrs?.last_analysis_stats as Record<string, unknown> | undefined;
  if (!attrs || !stats) throw new ProviderError('virustotal', 'invalid-response', 'answer has no data.attributes.last_analysis_stats');
  const out: VirusTotalData = {
    malicious: num(stats.malicious) ?? 0, suspicious: num(stats.suspicious) ?? 0, harmless: num(stats.harmless) ?? 0, undetected: num(stats.undetected) ?? 0,
    tags: strings(attrs.tags), link: `https://www.virustotal.com/gui/ip-address/${encodeURIComponent(ip)}`,
  };
  const date = num(attrs.last_analysis_date);
  const extra = { reputation: num(attrs.reputation), asOwner: str(attrs.as_owner), asn: num(attrs.asn), country: str(attrs.country), network: str(attrs.network), lastAnalysisDate: date !== undefined ? new Date(date * 1000).toISOString() : undefined };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

/** The one place that calls VirusTotal: GET /api/v3/ip_addresses/{ip}. */
export async function lookupVirusTotal(ctx: ProviderContext, ip: string): Promise<ProviderAnswer> {
  let res;
  try {
    res = await ctx.invoker.invoke({
      operation: 'virustotal.ip_addresses',
      method: 'GET',
      url: joinUrl(ctx.baseUrl || VIRUSTOTAL_URL, `/api/v3/ip_addresses/${addressForPath('virustotal', ip)}`),
      headers: { 'x-apikey': ctx.apiKey ?? '', accept: 'application/json' },
      destination: 'virustotal',
      // A 429 here may be a spent daily quota: the provider reads it at once (see provider-errors).
      retryRateLimited: false,
      accept: [404],
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      simulated: { status: 404, json: { error: { code: 'NotFoundError', message: `IP address "${ip}" not found` } } },
      ...(ctx.missingCredentials?.length ? { missingCredentials: ctx.missingCredentials } : {}),
    });
  } catch (err) {
    throw providerError('virustotal', err, QUOTA);
  }
  const body = jsonObject('virustotal', res.text, res.headers['content-type']);
  const dry = res.dryRun ? { dryRun: true } : {};
  if (res.status === 404) return { found: false, ...dry };
  return { found: true, data: { ...parseVirusTotal(body, ip) }, ...dry };
}
