// Typed errors of the outbound HTTP policy. Every message is built from redacted parts (URL,
// body excerpt): they go to Node-RED logs, node status and incident timelines as they are.

export type HttpErrorCode = 'http-status' | 'rate-limited' | 'timeout' | 'network' | 'tls' | 'queue-full' | 'aborted' | 'invalid-response';

export interface HttpErrorContext {
  method: string;
  /** The URL, redacted. */
  url: string;
  /** The rate-limit and reporting key (host:port unless the caller named one). */
  destination: string;
  /** Attempts made (0 when the request never left the queue). */
  attempts: number;
}

/** Base class: anything the HTTP client throws, except a caller's own abort reason. */
export class HttpClientError extends Error {
  readonly code: HttpErrorCode;
  readonly method: string;
  readonly url: string;
  readonly destination: string;
  readonly attempts: number;

  constructor(code: HttpErrorCode, message: string, ctx: HttpErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.method = ctx.method;
    this.url = ctx.url;
    this.destination = ctx.destination;
    this.attempts = ctx.attempts;
  }

  /** Whether trying again later (a new message, a new run) may succeed. */
  get transient(): boolean {
    return this.code !== 'tls' && this.code !== 'invalid-response';
  }
}

/** The server answered with a status the caller did not accept (after any retries). */
export class HttpError extends HttpClientError {
  readonly status: number;
  /** A short redacted excerpt of the response body. */
  readonly bodyExcerpt: string;
  /** Response headers, credential headers redacted. */
  readonly headers: Record<string, string>;

  constructor(ctx: HttpErrorContext & { status: number; bodyExcerpt: string; headers: Record<string, string> }, code: HttpErrorCode = 'http-status', note = '') {
    super(code, `${ctx.method} ${ctx.url} answered ${ctx.status}${note} (${ctx.destination}, ${plural(ctx.attempts, 'attempt')})${ctx.bodyExcerpt ? `: ${ctx.bodyExcerpt}` : ''}`, ctx);
    this.status = ctx.status;
    this.bodyExcerpt = ctx.bodyExcerpt;
    this.headers = ctx.headers;
  }

  override get transient(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** 429 and the retries ran out, or the server asked to wait longer than the policy allows. */
export class RateLimitedError extends HttpError {
  /** What the server asked for (Retry-After), when it said. */
  readonly retryAfterMs?: number;

  constructor(ctx: HttpErrorContext & { status: number; bodyExcerpt: string; headers: Record<string, string>; retryAfterMs?: number }) {
    super(ctx, 'rate-limited', ctx.retryAfterMs !== undefined ? ` (rate limited, retry after ${Math.ceil(ctx.retryAfterMs / 1000)} s)` : ' (rate limited)');
    if (ctx.retryAfterMs !== undefined) this.retryAfterMs = ctx.retryAfterMs;
  }
}

export type TimeoutPhase = 'connect' | 'attempt' | 'deadline' | 'queue';

/** connect: no connection in time; attempt: one try took too long; deadline: the request's total budget ran out (queue, retries and waits included); queue: the rate-limit queue did not free up in time. */
export class TimeoutError extends HttpClientError {
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;

  constructor(ctx: HttpErrorContext & { phase: TimeoutPhase; timeoutMs: number }, options?: { cause?: unknown }) {
    const what = { connect: 'could not connect within', attempt: 'got no complete answer within', deadline: 'did not finish within its deadline of', queue: 'waited in the rate-limit queue past its deadline of' }[ctx.phase];
    super('timeout', `${ctx.method} ${ctx.url} ${what} ${ctx.timeoutMs} ms (${ctx.destination}, ${plural(ctx.attempts, 'attempt')})`, ctx, options);
    this.phase = ctx.phase;
    this.timeoutMs = ctx.timeoutMs;
  }
}

/** The connection failed (refused, reset, DNS, TLS). `errorCode` is the system/undici code. */
export class NetworkError extends HttpClientError {
  readonly errorCode: string;

  constructor(ctx: HttpErrorContext & { errorCode: string; detail: string; tls?: boolean }, options?: { cause?: unknown }) {
    super(ctx.tls ? 'tls' : 'network', `${ctx.method} ${ctx.url} failed: ${ctx.detail} [${ctx.errorCode}] (${ctx.destination}, ${plural(ctx.attempts, 'attempt')})`, ctx, options);
    this.errorCode = ctx.errorCode;
  }
}

/** The destination's rate-limit queue is full: refused at once instead of growing without bound. */
export class QueueFullError extends HttpClientError {
  readonly maxQueue: number;

  constructor(ctx: HttpErrorContext & { maxQueue: number }) {
    super('queue-full', `${ctx.method} ${ctx.url} refused: ${ctx.maxQueue} requests already wait for ${ctx.destination} (rate limit queue full)`, ctx);
    this.maxQueue = ctx.maxQueue;
  }
}

/** The response could not be read as promised (too large, or not the JSON the caller asked for). */
export class InvalidResponseError extends HttpClientError {
  constructor(ctx: HttpErrorContext, detail: string) {
    super('invalid-response', `${ctx.method} ${ctx.url}: ${detail} (${ctx.destination})`, ctx);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
