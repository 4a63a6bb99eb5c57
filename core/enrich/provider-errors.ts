// What every enrichment provider (ip-lookup's and domain-lookup's) shares: the answer shape, the
// call context, and HTTP failures in words an analyst can act on, with a daily quota told apart
// from a short rate limit. Each lookup keeps its own error class (its ids, labels and config
// node name); the mapping rules live here once.
import { HttpClientError, HttpError, RateLimitedError, TimeoutError } from '../http/errors';
import type { Invoker } from '../integrations/dry-run';

/** A provider's answer. found false: the provider has nothing on the subject (a result, not an error). */
export interface ProviderAnswer {
  found: boolean;
  data?: Record<string, unknown>;
  /** Dry-run: nothing was sent, the data is not real. */
  dryRun?: boolean;
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

export type ProviderErrorCode = 'quota' | 'rate-limited' | 'auth' | 'bad-request' | 'invalid-response' | 'unavailable' | 'timeout' | 'network' | 'aborted';

export interface ProviderErrorOptions {
  cause?: unknown;
  /** When the provider said to come back, ms from now. */
  retryAfterMs?: number;
}

/** The base of each lookup's provider error; the message starts with the provider's label. */
export class LookupProviderError<P extends string = string> extends Error {
  readonly provider: P;
  readonly code: ProviderErrorCode;
  readonly retryAfterMs?: number;

  constructor(provider: P, label: string, code: ProviderErrorCode, message: string, options?: ProviderErrorOptions) {
    super(`${label}: ${message}`, options);
    this.provider = provider;
    this.code = code;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export type ProviderErrorClass<P extends string> = new (provider: P, code: ProviderErrorCode, message: string, options?: ProviderErrorOptions) => LookupProviderError<P>;

/** One lookup's provider errors: its class (for instanceof) and the mappings that make them. */
export interface ProviderErrors<P extends string> {
  errorClass: ProviderErrorClass<P>;
  /** An HTTP policy error → this family's error ('quota' for 402 and 429s that speak of a long quota). */
  toError(provider: P, err: unknown, quotaHint: string): LookupProviderError<P>;
  /** The body as a JSON object, or an 'invalid-response' error quoting what came instead (HTML error pages, garbage). */
  jsonObject(provider: P, text: string, contentType: string | undefined): Record<string, unknown>;
}

/**
 * A lookup's error family: messages start with the provider's label, and a refused key sends the
 * user to `configNode` (e.g. "IP lookup config node"). `name` is the class's error name.
 */
export function providerErrors<P extends string>(name: string, labels: Record<P, string>, configNode: string): ProviderErrors<P> {
  class FamilyError extends LookupProviderError<P> {
    constructor(provider: P, code: ProviderErrorCode, message: string, options?: ProviderErrorOptions) {
      super(provider, labels[provider], code, message, options);
      this.name = name;
    }
  }
  return {
    errorClass: FamilyError,
    toError: (provider, err, quotaHint) => mapProviderError(FamilyError, configNode, provider, err, quotaHint),
    jsonObject: (provider, text, contentType) => parseJsonObject(FamilyError, provider, text, contentType),
  };
}

// "Rate limit exceeded" alone is a short limit; quota words or a daily window make it a quota.
const QUOTA_WORDS = /quota|daily|per day|per month|limit of \d+ requests? (?:a|per) (?:day|month)/i;
// urlscan.io names the window of the limit that was hit (minute, hour, day).
const LONG_WINDOW = /^(?:hour|day|month)$/i;

/**
 * 402, and 429 whose body, window or Retry-After speaks of a long quota, are 'quota': the caller
 * stops asking until it resets instead of retrying.
 */
function mapProviderError<P extends string>(errorClass: ProviderErrorClass<P>, configNode: string, provider: P, err: unknown, quotaHint: string): LookupProviderError<P> {
  const make = (code: ProviderErrorCode, message: string, options?: ProviderErrorOptions): LookupProviderError<P> => new errorClass(provider, code, message, options);
  if (err instanceof errorClass) return err;
  if (err instanceof HttpError) {
    const excerpt = err.bodyExcerpt;
    const resetAfter = Number(err.headers['x-rate-limit-reset-after']);
    const retryAfterMs = (err instanceof RateLimitedError ? err.retryAfterMs : undefined) ?? (Number.isFinite(resetAfter) && resetAfter > 0 ? resetAfter * 1000 : undefined);
    const opts = { cause: err, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    const longWindow = LONG_WINDOW.test(err.headers['x-rate-limit-window'] ?? '');
    if (err.status === 402 || (err.status === 429 && (QUOTA_WORDS.test(excerpt) || longWindow || (retryAfterMs ?? 0) > 10 * 60_000))) {
      return make('quota', `quota exhausted (${err.status}; ${quotaHint})${excerpt ? `: ${excerpt}` : ''}`, opts);
    }
    if (err.status === 429) return make('rate-limited', `rate limited (429) after the retries${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`, opts);
    if (err.status === 401 || err.status === 403) {
      if (QUOTA_WORDS.test(excerpt)) return make('quota', `quota exhausted (${err.status}; ${quotaHint}): ${excerpt}`, opts);
      return make('auth', `the API key was refused (${err.status}): check the key in the ${configNode}${excerpt ? ` (${excerpt})` : ''}`, opts);
    }
    if (err.status === 400 || err.status === 422) return make('bad-request', `refused the request (${err.status})${excerpt ? `: ${excerpt}` : ''}`, opts);
    return make('unavailable', `answered ${err.status}${err.status >= 500 ? ' after the retries (provider outage?)' : ''}${excerpt ? `: ${excerpt}` : ''}`, opts);
  }
  if (err instanceof TimeoutError) return make('timeout', err.message, { cause: err });
  if (err instanceof HttpClientError) {
    if (err.code === 'invalid-response') return make('invalid-response', err.message, { cause: err });
    if (err.code === 'aborted') return make('aborted', 'lookup stopped at the deadline', { cause: err });
    return make('network', err.message, { cause: err });
  }
  if (err instanceof Error && err.name === 'AbortError') return make('aborted', 'lookup stopped at the deadline', { cause: err });
  return make('network', err instanceof Error ? err.message : String(err), { cause: err });
}

function parseJsonObject<P extends string>(errorClass: ProviderErrorClass<P>, provider: P, text: string, contentType: string | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    throw new errorClass(provider, 'invalid-response', `answered ${contentType ? `${contentType.split(';')[0]} ` : ''}that is not JSON${excerpt ? `: "${excerpt}"` : ' (empty body)'}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new errorClass(provider, 'invalid-response', 'answered JSON that is not an object');
  return value as Record<string, unknown>;
}
