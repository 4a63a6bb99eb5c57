// The one outbound HTTP policy every integration goes through: per-attempt timeout and a total
// deadline, bounded retries with full-jitter backoff that honour Retry-After, per-destination
// rate limits with a bounded queue, proxy and CA settings, and errors that never carry secrets.
import { Agent, EnvHttpProxyAgent, request as undiciRequest, type Dispatcher } from 'undici';
import { bodyExcerpt, isSecretName, isSecretQueryName, redactHeaders, redactText, redactUrl, REDACTED } from '../model/redact';
import {
  HttpClientError, HttpError, InvalidResponseError, NetworkError, QueueFullError, RateLimitedError, TimeoutError,
  type HttpErrorContext,
} from './errors';
import { describeProxy, resolveProxy, type ProxyOptions } from './proxy';
import { QueueRejection, RateLimiter, type RateLimitOptions } from './rate-limit';
import {
  backoffMs, classifyNetworkCode, isIdempotentMethod, isRetryableStatus, parseRetryAfter, resolveRetry,
  type ResolvedRetry, type RetryOptions,
} from './retry';
import { resolveTls, type TlsOptions } from './tls';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface HttpClientOptions {
  /** One attempt: connect, send, headers and body. Default 15 s. */
  timeoutMs?: number;
  /** Connecting (TCP + TLS, or the proxy tunnel). Default min(10 s, timeoutMs). */
  connectTimeoutMs?: number;
  /** Everything for one request: queue, attempts, backoff and Retry-After waits. Default 60 s. */
  deadlineMs?: number;
  /** false: one attempt only. */
  retry?: RetryOptions | false;
  /** Token bucket per destination; false: unlimited. Default 10/s, burst 10, queue 100. */
  rateLimit?: RateLimitOptions | false;
  /** Share one limiter between clients that call the same vendor (overrides `rateLimit`). */
  limiter?: RateLimiter;
  /** Default 'env' (HTTPS_PROXY / HTTP_PROXY / NO_PROXY). */
  proxy?: ProxyOptions;
  tls?: TlsOptions;
  /** Sent with every request unless the request sets the same header. */
  headers?: Record<string, string>;
  /** Larger answers fail with InvalidResponseError instead of filling memory. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Called on every answer, retry and failure; all fields redacted: fine for node.debug/log. */
  onEvent?: (event: HttpEvent) => void;
  /** Where 'env' proxy settings are read (tests). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Jitter source (tests). Default Math.random. */
  random?: () => number;
}

export interface HttpRequest {
  method: HttpMethod;
  url: string | URL;
  /** Appended to the URL's query; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** At most one of body, json and form. */
  body?: string | Uint8Array;
  /** Sent as JSON (content-type application/json unless set). */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded (Slack, Splunk, OAuth token endpoints). */
  form?: Record<string, string | number | boolean | undefined>;
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number;
  /** Overrides the client's total deadline. */
  deadlineMs?: number;
  /**
   * May this request be repeated after a 5xx or a broken connection? Default: by method (GET,
   * HEAD, OPTIONS, PUT, DELETE yes; POST, PATCH no). Set true for a POST the vendor
   * de-duplicates (PagerDuty dedup_key, an idempotency key). 429 and refused connections are
   * retried whatever this says: the server did not act on them.
   */
  idempotent?: boolean;
  /**
   * false: a 429 ends the call at once (RateLimitedError) instead of being waited out and
   * retried, for APIs whose 429 may mean a spent daily quota: the caller reads the body and
   * decides. Retry-After still pauses the destination. Default true.
   */
  retryRateLimited?: boolean;
  /** Rate-limit bucket and label in errors. Default the URL's host:port. */
  destination?: string;
  /** Statuses returned instead of thrown, beside 2xx (e.g. [404] when 404 means "no data"); 'any' returns every status. */
  accept?: readonly number[] | 'any';
  /** Redirects to follow (RDAP bootstrap servers redirect). Default 0: a 3xx is an answer. */
  maxRedirects?: number;
  signal?: AbortSignal;
  /** The URL's path is itself a secret (incoming-webhook URLs): logs show only its origin. */
  secretUrl?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The body as UTF-8. */
  readonly text: string;
  /** The body parsed as JSON; InvalidResponseError (with a redacted excerpt) when it is not JSON. */
  json<T = unknown>(): T;
  /** The URL that answered (after redirects). */
  url: string;
  /** Attempts made in total (retries and redirect hops included). */
  attempts: number;
  durationMs: number;
}

export interface HttpEvent {
  kind: 'response' | 'retry' | 'failure';
  method: string;
  url: string;
  destination: string;
  attempt: number;
  status?: number;
  /** The wait before the next attempt (retry). */
  delayMs?: number;
  /** Why: a status, a network error code, 'timeout'. */
  reason?: string;
  durationMs?: number;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Stop: queued requests are rejected, connections closed. */
  close(): Promise<void>;
  /** The proxy settings in use, redacted, for diagnostics: 'direct' or e.g. 'https via http://proxy:3128/, except .corp'. */
  readonly proxy: string;
}

const METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TIMED_OUT = Symbol('attempt timed out');
const TOO_LARGE = Symbol('answer too large');
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO/;

interface Prepared {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  destination: string;
  idempotent: boolean;
  redactedUrl: string;
  /** Secret values this request carries (credential headers, secret query values, a secret path): scrubbed from any answer text we quote, in case the server echoes them. */
  scrub: string[];
}

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  return new PolicyClient(options);
}

class PolicyClient implements HttpClient {
  readonly proxy: string;
  private readonly dispatcher: Dispatcher;
  private readonly retry: ResolvedRetry;
  private readonly limiter?: RateLimiter;
  private readonly ownsLimiter: boolean;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly maxResponseBytes: number;
  private readonly defaultHeaders: Record<string, string>;
  private readonly random: () => number;
  private readonly onEvent?: (event: HttpEvent) => void;
  private closed = false;

  constructor(options: HttpClientOptions) {
    this.timeoutMs = positive(options.timeoutMs ?? 15_000, 'timeoutMs');
    this.deadlineMs = positive(options.deadlineMs ?? 60_000, 'deadlineMs');
    this.connectTimeoutMs = positive(options.connectTimeoutMs ?? Math.min(10_000, this.timeoutMs), 'connectTimeoutMs');
    this.maxResponseBytes = positive(options.maxResponseBytes ?? 10 * 1024 * 1024, 'maxResponseBytes');
    this.retry = resolveRetry(options.retry);
    if (options.limiter) this.limiter = options.limiter;
    else if (options.rateLimit !== false) this.limiter = new RateLimiter(options.rateLimit);
    this.ownsLimiter = !options.limiter;
    this.random = options.random ?? Math.random;
    if (options.onEvent) this.onEvent = options.onEvent;
    this.defaultHeaders = { 'user-agent': 'node-red-contrib-incident-response', ...lowerKeys(options.headers ?? {}) };

    const tls = resolveTls(options.tls);
    const connect = { ...tls, timeout: this.connectTimeoutMs };
    const proxy = resolveProxy(options.proxy, options.env);
    this.proxy = describeProxy(proxy);
    // Explicit values (never undefined) so undici does not fall back to process.env behind our back.
    this.dispatcher = proxy
      ? new EnvHttpProxyAgent({ httpProxy: proxy.http, httpsProxy: proxy.https, noProxy: proxy.noProxy, connect, requestTls: connect, proxyTls: connect })
      : new Agent({ connect });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const deadlineMs = positive(req.deadlineMs ?? this.deadlineMs, 'deadlineMs');
    const deadlineAt = started + deadlineMs;
    let current = this.prepare(req);
    const accept = req.accept ?? [];
    const maxRedirects = req.maxRedirects ?? 0;
    let attempts = 0;
    for (let hop = 0; ; hop++) {
      const raw = await this.withRetries(current, req, deadlineAt, deadlineMs, (n) => { attempts += n; }, () => attempts);
      const location = raw.headers.location;
      if (REDIRECTS.has(raw.status) && location && hop < maxRedirects) {
        current = this.redirect(current, raw.status, location, req, attempts);
        continue;
      }
      const ctx = this.ctx(current, attempts);
      if (!(raw.status >= 200 && raw.status < 300) && accept !== 'any' && !accept.includes(raw.status)) {
        const details = { ...ctx, status: raw.status, bodyExcerpt: scrub(bodyExcerpt(raw.body.toString('utf8'), raw.headers['content-type']), current.scrub), headers: redactHeaders(raw.headers) };
        const err = raw.status === 429
          ? new RateLimitedError({ ...details, ...optional('retryAfterMs', parseRetryAfter(raw.headers['retry-after'])) })
          : new HttpError(details);
        this.emit({ kind: 'failure', ...this.where(current, attempts), status: raw.status, reason: err.code, durationMs: Date.now() - started });
        throw err;
      }
      return makeResponse(raw, current, ctx, attempts, Date.now() - started);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsLimiter) this.limiter?.clear();
    await this.dispatcher.close();
  }

  // One URL: queue, attempt, and retry while the policy allows. Returns the last answer (the
  // caller decides whether its status is an error); throws typed errors for everything else.
  private async withRetries(p: Prepared, req: HttpRequest, deadlineAt: number, deadlineMs: number, count: (n: number) => void, total: () => number): Promise<Raw> {
    const attemptTimeout = positive(req.timeoutMs ?? this.timeoutMs, 'timeoutMs');
    for (let retry = 0; ; retry++) {
      if (this.closed) throw new HttpClientError('aborted', `${p.method} ${p.redactedUrl}: the HTTP client is closed`, this.ctx(p, total()));
      await this.acquire(p, req.signal, deadlineAt, deadlineMs, total);
      const remaining = deadlineAt - Date.now();
      if (remaining <= 0) throw new TimeoutError({ ...this.ctx(p, total()), phase: 'deadline', timeoutMs: deadlineMs });
      const limitedByDeadline = remaining < attemptTimeout;
      const started = Date.now();
      count(1);
      let raw: Raw;
      try {
        raw = await this.attempt(p, Math.min(attemptTimeout, remaining), req.signal);
      } catch (e) {
        const err = this.toError(e, p, total(), limitedByDeadline ? { phase: 'deadline', ms: deadlineMs } : { phase: 'attempt', ms: attemptTimeout }, req.signal);
        const kind = err instanceof NetworkError ? classifyNetworkCode(err.errorCode)
          : err instanceof TimeoutError && err.phase === 'connect' ? 'not-sent'
            : err instanceof TimeoutError && err.phase === 'attempt' ? 'maybe-sent' : 'permanent';
        const safe = kind === 'not-sent' || (kind === 'maybe-sent' && p.idempotent);
        const delay = backoffMs(retry + 1, this.retry, this.random);
        if (!safe || retry >= this.retry.maxRetries || Date.now() + delay >= deadlineAt) {
          this.emit({ kind: 'failure', ...this.where(p, total()), reason: err instanceof NetworkError ? err.errorCode : err.code, durationMs: Date.now() - started });
          throw err;
        }
        this.emit({ kind: 'retry', ...this.where(p, total()), delayMs: delay, reason: err instanceof NetworkError ? err.errorCode : err.code });
        await sleep(delay, req.signal, () => this.aborted(p, total(), req.signal));
        continue;
      }
      this.emit({ kind: 'response', ...this.where(p, total()), status: raw.status, durationMs: Date.now() - started });
      if (!isRetryableStatus(raw.status)) return raw;

      const retryAfter = parseRetryAfter(raw.headers['retry-after']);
      // A Retry-After speaks for the whole destination: hold the others too.
      if (retryAfter !== undefined && this.limiter) this.limiter.pause(p.destination, Date.now() + Math.min(retryAfter, this.retry.maxRetryAfterMs));
      const safe = raw.status === 429 || p.idempotent; // a 429 was refused before anything happened
      if (!safe || retry >= this.retry.maxRetries) return raw;
      if (raw.status === 429 && req.retryRateLimited === false) return raw;
      if (retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) return raw; // not worth waiting: say so now
      const delay = retryAfter ?? backoffMs(retry + 1, this.retry, this.random);
      if (Date.now() + delay >= deadlineAt) return raw;
      this.emit({ kind: 'retry', ...this.where(p, total()), status: raw.status, delayMs: delay, reason: String(raw.status) });
      await sleep(delay, req.signal, () => this.aborted(p, total(), req.signal));
    }
  }

  private async acquire(p: Prepared, signal: AbortSignal | undefined, deadlineAt: number, deadlineMs: number, total: () => number): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.acquire(p.destination, { deadlineAt, ...optional('signal', signal) });
    } catch (e) {
      if (!(e instanceof QueueRejection)) throw e;
      if (e.reason === 'full') throw new QueueFullError({ ...this.ctx(p, total()), maxQueue: this.limiter.limits.maxQueue });
      if (e.reason === 'deadline') throw new TimeoutError({ ...this.ctx(p, total()), phase: 'queue', timeoutMs: deadlineMs });
      throw this.aborted(p, total(), signal);
    }
  }

  private async attempt(p: Prepared, timeoutMs: number, signal: AbortSignal | undefined): Promise<Raw> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(TIMED_OUT), timeoutMs);
    const onAbort = (): void => ac.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await undiciRequest(p.url, {
        dispatcher: this.dispatcher,
        method: p.method,
        headers: p.headers,
        body: p.body ?? null,
        signal: ac.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.maxResponseBytes) {
          res.body.destroy();
          throw TOO_LARGE;
        }
        chunks.push(chunk);
      }
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks) };
    } catch (e) {
      // Whatever undici threw, an abort by our timer or the caller is what happened.
      if (ac.signal.aborted) throw ac.signal.reason === TIMED_OUT ? TIMED_OUT : new AbortMark(ac.signal.reason);
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private toError(e: unknown, p: Prepared, attempts: number, timeout: { phase: 'attempt' | 'deadline'; ms: number }, signal: AbortSignal | undefined): HttpClientError {
    const ctx = this.ctx(p, attempts);
    if (e === TOO_LARGE) return new InvalidResponseError(ctx, `answer larger than ${this.maxResponseBytes} bytes`);
    if (e === TIMED_OUT) return new TimeoutError({ ...ctx, phase: timeout.phase, timeoutMs: timeout.ms });
    if (e instanceof AbortMark) return this.aborted(p, attempts, signal);
    const code = errorCode(e);
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return new TimeoutError({ ...ctx, phase: 'connect', timeoutMs: this.connectTimeoutMs }, { cause: e });
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new TimeoutError({ ...ctx, phase: timeout.phase, timeoutMs: timeout.ms }, { cause: e });
    const tls = TLS_CODE.test(code);
    const detail = tls ? `TLS: ${errorMessage(e)} (is the server's CA in the CA bundle?)` : errorMessage(e);
    return new NetworkError({ ...ctx, errorCode: code, detail, tls }, { cause: e });
  }

  private aborted(p: Prepared, attempts: number, signal: AbortSignal | undefined): HttpClientError {
    return new HttpClientError('aborted', `${p.method} ${p.redactedUrl} was cancelled (${p.destination})`, this.ctx(p, attempts), { cause: signal?.reason });
  }

  private prepare(req: HttpRequest): Prepared {
    const method = String(req.method).toUpperCase();
    if (!METHODS.includes(method)) throw new TypeError(`unsupported HTTP method ${JSON.stringify(req.method)}`);
    let url: URL;
    try {
      url = new URL(String(req.url));
    } catch {
      throw new TypeError(`not an absolute URL: ${redactUrl(String(req.url))}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`only http and https URLs are supported: ${redactUrl(url)}`);
    if (url.username || url.password) throw new TypeError(`credentials in the URL are not supported (use an Authorization header): ${redactUrl(url)}`);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.append(k, String(v));

    const headers = { ...this.defaultHeaders, ...lowerKeys(req.headers ?? {}) };
    const given = [req.body, req.json, req.form].filter((b) => b !== undefined).length;
    if (given > 1) throw new TypeError('give at most one of body, json and form');
    let body: string | Uint8Array | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    } else if (req.form !== undefined) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(req.form)) if (v !== undefined) form.append(k, String(v));
      body = form.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const m = method as HttpMethod;
    return {
      method: m, url, headers, ...optional('body', body),
      destination: req.destination ?? url.host,
      idempotent: req.idempotent ?? isIdempotentMethod(m),
      redactedUrl: req.secretUrl ? `${url.origin}/${REDACTED}` : redactUrl(url),
      scrub: secretValues(url, headers, req.secretUrl === true),
    };
  }

  // RFC 9110 §15.4: 303 (and 301/302 after a POST, as browsers do) becomes a GET without body;
  // credentials never follow a redirect to another origin.
  private redirect(p: Prepared, status: number, location: string, req: HttpRequest, attempts: number): Prepared {
    let url: URL;
    try {
      url = new URL(location, p.url);
    } catch {
      throw new InvalidResponseError(this.ctx(p, attempts), 'redirect to an invalid location');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidResponseError(this.ctx(p, attempts), `redirect to an unsupported scheme ${url.protocol}`);
    const toGet = status === 303 || ((status === 301 || status === 302) && p.method === 'POST');
    const sameOrigin = url.origin === p.url.origin;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.headers)) {
      if (!sameOrigin && isSecretName(k)) continue;
      if (toGet && (k === 'content-type' || k === 'content-length')) continue;
      headers[k] = v;
    }
    const method: HttpMethod = toGet && p.method !== 'HEAD' ? 'GET' : p.method;
    const body = toGet ? undefined : p.body;
    return {
      method, url, headers, ...optional('body', body),
      // Another origin is another vendor's rate limit.
      destination: sameOrigin ? p.destination : url.host,
      idempotent: toGet ? true : p.idempotent,
      redactedUrl: req.secretUrl ? `${url.origin}/${REDACTED}` : redactUrl(url),
      scrub: [...p.scrub, ...secretValues(url, headers, req.secretUrl === true)],
    };
  }

  private ctx(p: Prepared, attempts: number): HttpErrorContext {
    return { method: p.method, url: p.redactedUrl, destination: p.destination, attempts };
  }

  private where(p: Prepared, attempt: number): Pick<HttpEvent, 'method' | 'url' | 'destination' | 'attempt'> {
    return { method: p.method, url: p.redactedUrl, destination: p.destination, attempt };
  }

  private emit(event: HttpEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // A logging hook must never break a request.
    }
  }
}

class AbortMark {
  constructor(readonly reason: unknown) {}
}

function makeResponse(raw: Raw, p: Prepared, ctx: HttpErrorContext, attempts: number, durationMs: number): HttpResponse {
  let text: string | undefined;
  return {
    status: raw.status,
    headers: raw.headers,
    body: raw.body,
    get text(): string {
      text ??= raw.body.toString('utf8');
      return text;
    },
    json<T = unknown>(): T {
      const t = this.text;
      try {
        return JSON.parse(t) as T;
      } catch {
        throw new InvalidResponseError(ctx, `answer ${raw.status} is not JSON: ${scrub(bodyExcerpt(t, undefined, 120), p.scrub) || '(empty)'}`);
      }
    },
    url: p.url.href,
    attempts,
    durationMs,
  };
}

function secretValues(url: URL, headers: Record<string, string>, secretPath: boolean): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (!isSecretName(k)) continue;
    out.push(v);
    const token = v.slice(v.indexOf(' ') + 1); // "Bearer xyz" is often echoed as "xyz"
    if (token !== v) out.push(token);
  }
  for (const [k, v] of url.searchParams) if (isSecretQueryName(k)) out.push(v);
  if (secretPath && url.pathname.length > 1) out.push(url.pathname, url.pathname.split('/').pop() ?? '');
  // Short values would mangle ordinary words; credentials are longer.
  return [...new Set(out)].filter((v) => v.length >= 6).sort((a, b) => b.length - a.length);
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function errorCode(e: unknown): string {
  const err = e as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = err?.code ?? err?.cause?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function errorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message || e.name : String(e);
  return redactText(msg);
}

function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got ${String(n)}`);
  return n;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(onAbort());
    const abort = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
