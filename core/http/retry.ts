// When to try again and how long to wait: one rule set for every integration.

export interface RetryOptions {
  /** Retries after the first attempt (0 disables retrying). Default 3. */
  maxRetries?: number;
  /** First backoff ceiling; doubles per retry. Default 250 ms. */
  baseDelayMs?: number;
  /** Largest backoff ceiling. Default 10 s. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the request fails with RateLimitedError (or the HttpError) at once. Default 60 s. */
  maxRetryAfterMs?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

export const RETRY_DEFAULTS: ResolvedRetry = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

export function resolveRetry(options: RetryOptions | false | undefined): ResolvedRetry {
  if (options === false) return { ...RETRY_DEFAULTS, maxRetries: 0 };
  const r = { ...RETRY_DEFAULTS, ...stripUndefined(options ?? {}) };
  for (const [k, v] of Object.entries(r)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`retry.${k} must be a number >= 0, got ${String(v)}`);
  }
  return r;
}

/** Full jitter (AWS architecture blog): a uniform wait in [0, min(max, base * 2^(retry-1))]. */
export function backoffMs(retry: number, r: ResolvedRetry, random: () => number = Math.random): number {
  const ceiling = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined; // a negative or odd number is not a date either
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Statuses worth another try: overload, throttling and passing server failures, not 501/505 (never going to work). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** Methods that may be repeated without a second effect (RFC 9110 §9.2.2). */
export function isIdempotentMethod(method: string): boolean {
  return ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'].includes(method.toUpperCase());
}

// The request certainly never reached the server: safe to repeat whatever the method.
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
// The connection broke or stalled: the server may have acted, so only idempotent requests repeat.
const MAYBE_SENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export type NetworkFailureKind = 'not-sent' | 'maybe-sent' | 'permanent';

export function classifyNetworkCode(code: string): NetworkFailureKind {
  if (NOT_SENT.has(code)) return 'not-sent';
  if (MAYBE_SENT.has(code)) return 'maybe-sent';
  return 'permanent';
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
