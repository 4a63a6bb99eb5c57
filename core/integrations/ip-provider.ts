// What the IP reputation/ownership providers (rdap, abuseipdb, greynoise, shodan-internetdb,
// virustotal, reverse-dns) share: the answer shape, and HTTP failures in words an analyst can
// act on, with quota exhaustion told apart from a short rate limit.
import { HttpClientError, HttpError, RateLimitedError, TimeoutError } from '../http/errors';
import type { Invoker } from './dry-run';
import { parseIp } from '../normalize/ip';

export const IP_PROVIDER_IDS = ['rdns', 'rdap', 'abuseipdb', 'greynoise', 'internetdb', 'virustotal'] as const;
export type IpProviderId = (typeof IP_PROVIDER_IDS)[number];

export const IP_PROVIDER_LABELS: Record<IpProviderId, string> = {
  rdns: 'Reverse DNS', rdap: 'RDAP', abuseipdb: 'AbuseIPDB', greynoise: 'GreyNoise', internetdb: 'Shodan InternetDB', virustotal: 'VirusTotal',
};

/** A provider's answer. found false: the provider has nothing on the address (a result, not an error). */
export interface ProviderAnswer {
  found: boolean;
  data?: Record<string, unknown>;
  /** Dry-run: nothing was sent, the data is not real. */
  dryRun?: boolean;
}

export type ProviderErrorCode = 'quota' | 'rate-limited' | 'auth' | 'bad-request' | 'invalid-response' | 'unavailable' | 'timeout' | 'network' | 'aborted';

export class ProviderError extends Error {
  readonly provider: IpProviderId;
  readonly code: ProviderErrorCode;
  /** When the provider said to come back, ms from now. */
  readonly retryAfterMs?: number;

  constructor(provider: IpProviderId, code: ProviderErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(`${IP_PROVIDER_LABELS[provider]}: ${message}`, options);
    this.name = 'ProviderError';
    this.provider = provider;
    this.code = code;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Everything a provider call needs for one message. */
export interface ProviderContext {
  invoker: Invoker;
  /** The service's base URL (emulators, on-premise mirrors); each module has its default. */
  baseUrl?: string;
  apiKey?: string;
  /** Credentials live mode would need (dry-run notes them in the record). */
  missingCredentials?: readonly string[];
  signal?: AbortSignal;
}

const QUOTA_WORDS = /quota|daily|per day|limit of \d+|exceeded|QuotaExceeded/i;

/**
 * An HTTP policy error → ProviderError. 402, and 429 whose body or Retry-After speaks of a
 * daily quota, are 'quota': the caller stops asking until the quota resets instead of retrying.
 */
export function providerError(provider: IpProviderId, err: unknown, quotaHint: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof HttpError) {
    const excerpt = err.bodyExcerpt;
    const retryAfterMs = err instanceof RateLimitedError ? err.retryAfterMs : undefined;
    const opts = { cause: err, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    if (err.status === 402 || (err.status === 429 && (QUOTA_WORDS.test(excerpt) || (retryAfterMs ?? 0) > 10 * 60_000))) {
      return new ProviderError(provider, 'quota', `quota exhausted (${err.status}; ${quotaHint})${excerpt ? `: ${excerpt}` : ''}`, opts);
    }
    if (err.status === 429) return new ProviderError(provider, 'rate-limited', `rate limited (429) after the retries${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`, opts);
    if (err.status === 401 || err.status === 403) {
      if (QUOTA_WORDS.test(excerpt)) return new ProviderError(provider, 'quota', `quota exhausted (${err.status}; ${quotaHint}): ${excerpt}`, opts);
      return new ProviderError(provider, 'auth', `the API key was refused (${err.status}): check the key in the IP lookup config node${excerpt ? ` (${excerpt})` : ''}`, opts);
    }
    if (err.status === 400 || err.status === 422) return new ProviderError(provider, 'bad-request', `refused the request (${err.status})${excerpt ? `: ${excerpt}` : ''}`, opts);
    return new ProviderError(provider, 'unavailable', `answered ${err.status}${err.status >= 500 ? ' after the retries (provider outage?)' : ''}${excerpt ? `: ${excerpt}` : ''}`, opts);
  }
  if (err instanceof TimeoutError) return new ProviderError(provider, 'timeout', err.message, { cause: err });
  if (err instanceof HttpClientError) {
    if (err.code === 'invalid-response') return new ProviderError(provider, 'invalid-response', err.message, { cause: err });
    if (err.code === 'aborted') return new ProviderError(provider, 'aborted', 'lookup stopped at the deadline', { cause: err });
    return new ProviderError(provider, 'network', err.message, { cause: err });
  }
  if (err instanceof Error && err.name === 'AbortError') return new ProviderError(provider, 'aborted', 'lookup stopped at the deadline', { cause: err });
  return new ProviderError(provider, 'network', err instanceof Error ? err.message : String(err), { cause: err });
}

/** The body as a JSON object, or an 'invalid-response' error quoting what came instead (HTML error pages, garbage). */
export function jsonObject(provider: IpProviderId, text: string, contentType: string | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    throw new ProviderError(provider, 'invalid-response', `answered ${contentType ? `${contentType.split(';')[0]} ` : ''}that is not JSON${excerpt ? `: "${excerpt}"` : ' (empty body)'}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ProviderError(provider, 'invalid-response', 'answered JSON that is not an object');
  return value as Record<string, unknown>;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** The address as it goes into a URL path: canonical text, and only ever an address (no path tricks). */
export function addressForPath(provider: IpProviderId, ip: string): string {
  const parsed = parseIp(ip);
  if (!parsed) throw new ProviderError(provider, 'bad-request', `"${ip.slice(0, 60)}" is not an IP address`);
  return parsed.canonical;
}
