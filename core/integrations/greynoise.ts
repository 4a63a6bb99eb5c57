// GreyNoise Community API: is this address mass-scanning the internet (noise), a known
// business service (RIOT), and GreyNoise's classification. A 404 with JSON means "not
// observed": a result. The key is optional; without one the allowance is smaller.
import type { ProviderAnswer, ProviderContext } from './ip-provider';
import { addressForPath, joinUrl, jsonObject, providerError, ProviderError, str } from './ip-provider';

export const GREYNOISE_URL = 'https://api.greynoise.io';
const QUOTA = 'community API: a limited daily/weekly allowance, smaller without a key';

export interface GreyNoiseData {
  noise: boolean;
  riot: boolean;
  classification?: string;
  name?: string;
  lastSeen?: string;
  link?: string;
  message?: string;
}

export function parseGreyNoise(body: Record<string, unknown>): GreyNoiseData {
  if (typeof body.noise !== 'boolean' && typeof body.riot !== 'boolean' && body.classification === undefined) {
    throw new ProviderError('greynoise', 'invalid-response', `answer has none of noise, riot, classification${str(body.message) ? ` (message: ${str(body.message)})` : ''}`);
  }
  const out: GreyNoiseData = { noise: body.noise === true, riot: body.riot === true };
  const extra = { classification: str(body.classification), name: str(body.name), lastSeen: str(body.last_seen), link: str(body.link), message: str(body.message) };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

/** The one place that calls GreyNoise: GET /v3/community/{ip}. */
export async function lookupGreyNoise(ctx: ProviderContext, ip: string): Promise<ProviderAnswer> {
  let res;
  try {
    res = await ctx.invoker.invoke({
      operation: 'greynoise.community',
      method: 'GET',
      url: joinUrl(ctx.baseUrl || GREYNOISE_URL, `/v3/community/${addressForPath('greynoise', ip)}`),
      headers: { accept: 'application/json', ...(ctx.apiKey ? { key: ctx.apiKey } : {}) },
      destination: 'greynoise',
      // A 429 here may be a spent daily quota: the provider reads it at once (see provider-errors).
      retryRateLimited: false,
      accept: [404],
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      simulated: { status: 404, json: { ip, noise: false, riot: false, message: 'IP not observed scanning the internet or contained in RIOT data set.' } },
    });
  } catch (err) {
    throw providerError('greynoise', err, QUOTA);
  }
  const body = jsonObject('greynoise', res.text, res.headers['content-type']);
  const data = parseGreyNoise(body);
  const dry = res.dryRun ? { dryRun: true } : {};
  if (res.status === 404) return { found: false, data: { ...data }, ...dry };
  return { found: true, data: { ...data }, ...dry };
}
