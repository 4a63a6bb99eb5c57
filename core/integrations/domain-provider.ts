// What the domain providers (dns-records, rdap-domain, virustotal-domain, urlscan) share: the
// answer shape of ip-provider.ts, and HTTP failures in words, with quota exhaustion told apart
// from a short rate limit. ip-provider.ts's ProviderError is typed to the IP providers and its
// messages name the IP lookup config node, so the domain providers have their own error type;
// the mapping rules are the same.
import { HttpClientError, HttpError, RateLimitedError, TimeoutError } from '../http/errors';
import type { ProviderAnswer, ProviderContext, ProviderErrorCode } from './ip-provider';

export type { ProviderAnswer, ProviderContext, ProviderErrorCode };

export const DOMAIN_PROVIDER_IDS = ['dns', 'rdap', 'virustotal', 'urlscan'] as const;
export type DomainProviderId = (typeof DOMAIN_PROVIDER_IDS)[number];

export const DOMAIN_PROVIDER_LABELS: Record<DomainProviderId, string> = {
  dns: 'DNS', rdap: 'RDAP', virustotal: 'VirusTotal', urlscan: 'urlscan.io',
};

export class DomainProviderError extends Error {
  readonly provider: DomainProviderId;
  readonly code: ProviderErrorCode;
  readonly retryAfterMs?: number;

  constructor(provider: DomainProviderId, code: ProviderErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(`${DOMAIN_PROVIDER_LABELS[provider]}: ${message}`, options);
    this.name = 'DomainProviderError';
    this.provider = provider;
    this.code = code;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

// "Rate limit exceeded" alone is a short limit; quota words or a daily window make it a quota.
const QUOTA_WORDS = /quota|daily|per day|per month|limit of \d+ requests? (?:a|per) (?:day|month)/i;
// urlscan.io names the window of the limit that was hit (minute, hour, day).
const LONG_WINDOW = /^(?:hour|day|month)$/i;

/** An HTTP policy error → DomainProviderError ('quota' for 402 and 429s that speak of a daily quota). */
export function domainProviderError(provider: DomainProviderId, err: unknown, quotaHint: string): DomainProviderError {
  if (err instanceof DomainProviderError) return err;
  if (err instanceof HttpError) {
    const excerpt = err.bodyExcerpt;
    const resetAfter = Number(err.headers['x-rate-limit-reset-after']);
    const retryAfterMs = (err instanceof RateLimitedError ? err.retryAfterMs : undefined) ?? (Number.isFinite(resetAfter) && resetAfter > 0 ? resetAfter * 1000 : undefined);
    const opts = { cause: err, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    const longWindow = LONG_WINDOW.test(err.headers['x-rate-limit-window'] ?? '');
    if (err.status === 402 || (err.status === 429 && (QUOTA_WORDS.test(excerpt) || longWindow || (retryAfterMs ?? 0) > 10 * 60_000))) {
      return new DomainProviderError(provider, 'quota', `quota exhausted (${err.status}; ${quotaHint})${excerpt ? `: ${excerpt}` : ''}`, opts);
    }
    if (err.status === 429) return new DomainProviderError(provider, 'rate-limited', `rate limited (429) after the retries${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`, opts);
    if (err.status === 401 || err.status === 403) {
      if (QUOTA_WORDS.test(excerpt)) return new DomainProviderError(provider, 'quota', `quota exhausted (${err.status}; ${quotaHint}): ${excerpt}`, opts);
      return new DomainProviderError(provider, 'auth', `the API key was refused (${err.status}): check the key in the domain lookup config node${excerpt ? ` (${excerpt})` : ''}`, opts);
    }
    if (err.status === 400 || err.status === 422) return new DomainProviderError(provider, 'bad-request', `refused the request (${err.status})${excerpt ? `: ${excerpt}` : ''}`, opts);
    return new DomainProviderError(provider, 'unavailable', `answered ${err.status}${err.status >= 500 ? ' after the retries (provider outage?)' : ''}${excerpt ? `: ${excerpt}` : ''}`, opts);
  }
  if (err instanceof TimeoutError) return new DomainProviderError(provider, 'timeout', err.message, { cause: err });
  if (err instanceof HttpClientError) {
    if (err.code === 'invalid-response') return new DomainProviderError(provider, 'invalid-response', err.message, { cause: err });
    if (err.code === 'aborted') return new DomainProviderError(provider, 'aborted', 'lookup stopped at the deadline', { cause: err });
    return new DomainProviderError(provider, 'network', err.message, { cause: err });
  }
  if (err instanceof Error && err.name === 'AbortError') return new DomainProviderError(provider, 'aborted', 'lookup stopped at the deadline', { cause: err });
  return new DomainProviderError(provider, 'network', err instanceof Error ? err.message : String(err), { cause: err });
}

/** The body as a JSON object, or an 'invalid-response' error quoting what came instead. */
export function jsonBody(provider: DomainProviderId, text: string, contentType: string | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    throw new DomainProviderError(provider, 'invalid-response', `answered ${contentType ? `${contentType.split(';')[0]} ` : ''}that is not JSON${excerpt ? `: "${excerpt}"` : ' (empty body)'}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new DomainProviderError(provider, 'invalid-response', 'answered JSON that is not an object');
  return value as Record<string, unknown>;
}
