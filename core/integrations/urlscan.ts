// urlscan.io search: has anyone scanned pages on this domain, when, and did urlscan judge any of
// them malicious. GET /api/v1/search/?q=domain:{d}; works without a key (a small per-IP
// budget), with the "API-Key" header on an account's quota. Searches only, nothing is submitted:
// a submission would tip off whoever runs the site.
import type { ProviderAnswer, ProviderContext } from './domain-provider';
import { DomainProviderError, domainProviderError, jsonBody } from './domain-provider';

export const URLSCAN_URL = 'https://urlscan.io';
const QUOTA = 'free: searches are limited per minute, hour and day (see your quotas at urlscan.io/user/quotas)';
const PAGE_SIZE = 100;

export interface UrlscanSighting {
  url: string;
  time?: string;
  title?: string;
  ip?: string;
  country?: string;
  asn?: string;
  malicious?: boolean;
  result?: string;
}

export interface UrlscanData {
  /** Scans matching the search (urlscan's total). */
  total: number;
  /** Scans urlscan marked malicious among those returned (verdicts come with an account's key). */
  malicious: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Up to 5 most recent. */
  recent: UrlscanSighting[];
  link: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

export function parseUrlscanSearch(body: Record<string, unknown>, link: string): UrlscanData {
  if (!Array.isArray(body.results)) throw new DomainProviderError('urlscan', 'invalid-response', 'answer has no results list');
  const sightings: UrlscanSighting[] = [];
  for (const r of body.results as unknown[]) {
    if (!r || typeof r !== 'object') continue;
    const rec = r as Record<string, Record<string, unknown> | undefined>;
    const task = rec.task ?? {};
    const page = rec.page ?? {};
    const verdicts = rec.verdicts as { overall?: { malicious?: unknown }; malicious?: unknown } | undefined;
    const malicious = verdicts?.overall?.malicious ?? verdicts?.malicious;
    const s: UrlscanSighting = { url: str(task.url) ?? str(page.url) ?? '' };
    const extra = { time: str(task.time), title: str(page.title), ip: str(page.ip), country: str(page.country), asn: str(page.asnname) ?? str(page.asn), result: str((r as Record<string, unknown>).result) };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
    if (typeof malicious === 'boolean') s.malicious = malicious;
    if (s.url) sightings.push(s);
  }
  const times = sightings.map((s) => s.time).filter((t): t is string => !!t).sort();
  const total = typeof body.total === 'number' && Number.isFinite(body.total) ? body.total : sightings.length;
  const out: UrlscanData = {
    total, malicious: sightings.filter((s) => s.malicious).length,
    recent: [...sightings].sort((a, b) => (b.time ?? '').localeCompare(a.time ?? '')).slice(0, 5), link,
  };
  if (times.length) {
    out.firstSeen = times[0];
    out.lastSeen = times[times.length - 1];
  }
  return out;
}

/** The one place that calls urlscan.io: a search for scans of pages on `domain`. */
export async function searchUrlscan(ctx: ProviderContext, domain: string): Promise<ProviderAnswer> {
  const q = `domain:${domain}`;
  let res;
  try {
    res = await ctx.invoker.invoke({
      operation: 'urlscan.search',
      method: 'GET',
      url: `${(ctx.baseUrl || URLSCAN_URL).replace(/\/+$/, '')}/api/v1/search/`,
      query: { q, size: PAGE_SIZE },
      headers: { accept: 'application/json', ...(ctx.apiKey ? { 'api-key': ctx.apiKey } : {}) },
      destination: 'urlscan',
      // A 429 here may be a spent daily quota: the provider reads it at once (see provider-errors).
      retryRateLimited: false,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      simulated: { json: { results: [], total: 0, took: 1, has_more: false } },
    });
  } catch (err) {
    throw domainProviderError('urlscan', err, QUOTA);
  }
  const data = parseUrlscanSearch(jsonBody('urlscan', res.text, res.headers['content-type']), `https://urlscan.io/search/#${encodeURIComponent(q)}`);
  const dry = res.dryRun ? { dryRun: true } : {};
  if (data.total === 0 && data.recent.length === 0) return { found: false, data: { message: `urlscan.io has no scans of ${domain}` }, ...dry };
  return { found: true, data: { ...data }, ...dry };
}
