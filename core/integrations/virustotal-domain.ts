// VirusTotal API v3 domain and URL reports: how many engines flag the domain or URL, its
// categories, reputation and (domains) creation date. Public API: 4 requests a minute and 500 a
// day (shared with the IP report); a 404 NotFoundError is "never seen", not an error.
import { Buffer } from 'node:buffer';
import type { ProviderAnswer, ProviderContext } from './domain-provider';
import { DomainProviderError, domainProviderError, jsonBody } from './domain-provider';

export const VIRUSTOTAL_URL = 'https://www.virustotal.com';
const QUOTA = 'public API: 4 requests a minute, 500 a day';

export interface VirusTotalReport {
  malicious: number;
  suspicious: number;
  harmless: number;
  undetected: number;
  reputation?: number;
  /** Vendor → category, e.g. { "Forcepoint ThreatSeeker": "phishing" }. */
  categories?: Record<string, string>;
  tags: string[];
  /** Domains: when the domain was created (WHOIS), ISO. */
  created?: string;
  registrar?: string;
  /** URLs: the final URL after redirects, and the page title. */
  finalUrl?: string;
  title?: string;
  lastAnalysisDate?: string;
  /** Engines that said malicious, up to 10. */
  flaggedBy?: string[];
  link: string;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function unixDate(v: unknown): string | undefined {
  const n = num(v);
  return n === undefined ? undefined : new Date(n * 1000).toISOString();
}

/** VirusTotal's URL identifier: the URL in unpadded base64url. */
export function virusTotalUrlId(url: string): string {
  return Buffer.from(url, 'utf8').toString('base64url');
}

export function parseVirusTotalReport(body: Record<string, unknown>, link: string): VirusTotalReport {
  const attrs = (body.data as { attributes?: Record<string, unknown> } | undefined)?.attributes;
  const stats = attrs?.last_analysis_stats as Record<string, unknown> | undefined;
  if (!attrs || !stats || typeof stats !== 'object') throw new DomainProviderError('virustotal', 'invalid-response', 'answer has no data.attributes.last_analysis_stats');
  const out: VirusTotalReport = {
    malicious: num(stats.malicious) ?? 0, suspicious: num(stats.suspicious) ?? 0, harmless: num(stats.harmless) ?? 0, undetected: num(stats.undetected) ?? 0,
    tags: Array.isArray(attrs.tags) ? attrs.tags.filter((t): t is string => typeof t === 'string') : [], link,
  };
  const results = attrs.last_analysis_results;
  const flagged = results && typeof results === 'object'
    ? Object.entries(results as Record<string, { category?: unknown }>).filter(([, r]) => r?.category === 'malicious').map(([engine]) => engine).slice(0, 10)
    : [];
  const cats = attrs.categories;
  const categories = cats && typeof cats === 'object' && !Array.isArray(cats)
    ? Object.fromEntries(Object.entries(cats as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
  const extra: Partial<VirusTotalReport> = {
    reputation: num(attrs.reputation), created: unixDate(attrs.creation_date),
    registrar: typeof attrs.registrar === 'string' && attrs.registrar ? attrs.registrar : undefined,
    finalUrl: typeof attrs.last_final_url === 'string' ? attrs.last_final_url : undefined,
    title: typeof attrs.title === 'string' && attrs.title ? attrs.title : undefined,
    lastAnalysisDate: unixDate(attrs.last_analysis_date),
    ...(Object.keys(categories).length ? { categories } : {}),
    ...(flagged.length ? { flaggedBy: flagged } : {}),
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

async function report(ctx: ProviderContext, operation: string, path: string, link: string, what: string): Promise<ProviderAnswer> {
  let res;
  try {
    res = await ctx.invoker.invoke({
      operation,
      method: 'GET',
      url: (ctx.baseUrl || VIRUSTOTAL_URL).replace(/\/+$/, '') + path,
      headers: { 'x-apikey': ctx.apiKey ?? '', accept: 'application/json' },
      destination: 'virustotal',
      accept: [404],
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      simulated: { status: 404, json: { error: { code: 'NotFoundError', message: `${what} not found` } } },
      ...(ctx.missingCredentials?.length ? { missingCredentials: ctx.missingCredentials } : {}),
    });
  } catch (err) {
    throw domainProviderError('virustotal', err, QUOTA);
  }
  const body = jsonBody('virustotal', res.text, res.headers['content-type']);
  const dry = res.dryRun ? { dryRun: true } : {};
  if (res.status === 404) return { found: false, data: { message: `VirusTotal has never seen ${what}` }, ...dry };
  return { found: true, data: { ...parseVirusTotalReport(body, link) }, ...dry };
}

/** GET /api/v3/domains/{domain}. */
export function lookupVirusTotalDomain(ctx: ProviderContext, domain: string): Promise<ProviderAnswer> {
  return report(ctx, 'virustotal.domains', `/api/v3/domains/${encodeURIComponent(domain)}`, `https://www.virustotal.com/gui/domain/${encodeURIComponent(domain)}`, `domain ${domain}`);
}

/** GET /api/v3/urls/{base64url(url)}: an existing report only (nothing is submitted for scanning). */
export function lookupVirusTotalUrl(ctx: ProviderContext, url: string): Promise<ProviderAnswer> {
  const id = virusTotalUrlId(url);
  return report(ctx, 'virustotal.urls', `/api/v3/urls/${id}`, `https://www.virustotal.com/gui/url/${id}`, `URL ${url}`);
}
