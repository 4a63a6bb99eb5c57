// Shodan InternetDB: open ports, hostnames, CPEs, tags and known CVEs per address, from
// Shodan's weekly scans. No key; free for non-commercial use. 404 means "no information".
import type { ProviderAnswer, ProviderContext } from './ip-provider';
import { addressForPath, joinUrl, jsonObject, providerError, ProviderError, strings } from './ip-provider';

export const INTERNETDB_URL = 'https://internetdb.shodan.io';
const QUOTA = 'InternetDB is free for non-commercial use, no published request limit';

export interface InternetDbData {
  ports: number[];
  hostnames: string[];
  cpes: string[];
  tags: string[];
  vulns: string[];
}

export function parseInternetDb(body: Record<string, unknown>): InternetDbData {
  if (!Array.isArray(body.ports)) throw new ProviderError('internetdb', 'invalid-response', 'answer has no ports list');
  return {
    ports: body.ports.filter((p): p is number => typeof p === 'number'),
    hostnames: strings(body.hostnames),
    cpes: strings(body.cpes),
    tags: strings(body.tags),
    vulns: strings(body.vulns),
  };
}

/** The one place that calls InternetDB: GET /{ip}. */
export async function lookupInternetDb(ctx: ProviderContext, ip: string): Promise<ProviderAnswer> {
  let res;
  try {
    res = await ctx.invoker.invoke({
      operation: 'internetdb.lookup',
      method: 'GET',
      url: joinUrl(ctx.baseUrl || INTERNETDB_URL, `/${addressForPath('internetdb', ip)}`),
      headers: { accept: 'application/json' },
      destination: 'internetdb',
      accept: [404],
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      simulated: { status: 404, json: { detail: 'No information available' } },
    });
  } catch (err) {
    throw providerError('internetdb', err, QUOTA);
  }
  const body = jsonObject('internetdb', res.text, res.headers['content-type']);
  const dry = res.dryRun ? { dryRun: true } : {};
  if (res.status === 404) return { found: false, ...dry };
  return { found: true, data: { ...parseInternetDb(body) }, ...dry };
}
