// Per-destination token buckets with a bounded FIFO queue. Each attempt (retries included)
// takes a token, so a retry storm cannot exceed what the vendor allows; a 429's Retry-After
// pauses the whole destination, not only the request that got it.

export interface RateLimitOptions {
  /** Sustained rate. Default 10 per second. */
  requestsPerSecond?: number;
  /** Tokens available at once after a quiet period. Default = requestsPerSecond (at least 1). */
  burst?: number;
  /** Requests allowed to wait per destination; one more is refused with QueueFullError. Default 100. */
  maxQueue?: number;
}

export interface ResolvedRateLimit {
  requestsPerSecond: number;
  burst: number;
  maxQueue: number;
}

export function resolveRateLimit(options: RateLimitOptions | undefined): ResolvedRateLimit {
  const requestsPerSecond = options?.requestsPerSecond ?? 10;
  const burst = options?.burst ?? Math.max(1, requestsPerSecond);
  const maxQueue = options?.maxQueue ?? 100;
  if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) throw new RangeError(`rateLimit.requestsPerSecond must be > 0, got ${String(requestsPerSecond)}`);
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`rateLimit.burst must be >= 1, got ${String(burst)}`);
  if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`rateLimit.maxQueue must be an integer >= 0, got ${String(maxQueue)}`);
  return { requestsPerSecond, burst, maxQueue };
}

/** Why acquire() gave up; the client turns it into its typed error. */
export class QueueRejection extends Error {
  constructor(readonly reason: 'full' | 'deadline' | 'aborted', readonly abortReason?: unknown) {
    super(`rate-limit queue: ${reason}`);
  }
}

interface Waiter {
  resolve(): void;
  reject(err: QueueRejection): void;
  cleanup(): void;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
  queue: Waiter[];
  timer?: NodeJS.Timeout;
}

/** Epoch milliseconds with a fraction, comparable with Date.now() values (deadlines, Retry-After). */
function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export class RateLimiter {
  readonly limits: ResolvedRateLimit;
  private readonly buckets = new Map<string, Bucket>();

  // A sub-millisecond clock: with Date.now() two requests in the same millisecond see no refill,
  // and the second waits a whole timer tick even when the limit is far away.
  constructor(options?: RateLimitOptions, private readonly now: () => number = preciseNow) {
    this.limits = resolveRateLimit(options);
  }

  /** Resolves when a token for `destination` is granted; rejects with QueueRejection. */
  acquire(destination: string, opts: { deadlineAt?: number; signal?: AbortSignal } = {}): Promise<void> {
    const b = this.bucket(destination);
    this.refill(b);
    if (b.queue.length === 0 && b.tokens >= 1 && this.now() >= b.pausedUntil) {
      b.tokens -= 1;
      return Promise.resolve();
    }
    if (b.queue.length >= this.limits.maxQueue) return Promise.reject(new QueueRejection('full'));
    if (opts.signal?.aborted) return Promise.reject(new QueueRejection('aborted', opts.signal.reason));
    return new Promise<void>((resolve, reject) => {
      let deadlineTimer: NodeJS.Timeout | undefined;
      const onAbort = (): void => leave(new QueueRejection('aborted', opts.signal?.reason));
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => {
          if (deadlineTimer) clearTimeout(deadlineTimer);
          opts.signal?.removeEventListener('abort', onAbort);
        },
      };
      const leave = (err: QueueRejection): void => {
        const i = b.queue.indexOf(waiter);
        if (i >= 0) b.queue.splice(i, 1);
        waiter.cleanup();
        reject(err);
        this.schedule(destination, b);
      };
      if (opts.deadlineAt !== undefined) deadlineTimer = setTimeout(() => leave(new QueueRejection('deadline')), Math.max(0, opts.deadlineAt - this.now()));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      b.queue.push(waiter);
      this.schedule(destination, b);
    });
  }

  /** Hold every request to `destination` until `untilMs` (a server's Retry-After). */
  pause(destination: string, untilMs: number): void {
    const b = this.bucket(destination);
    if (untilMs > b.pausedUntil) b.pausedUntil = untilMs;
    this.schedule(destination, b);
  }

  /** Requests waiting for `destination` now. */
  queued(destination: string): number {
    return this.buckets.get(destination)?.queue.length ?? 0;
  }

  /** Reject everything still waiting (client close). */
  clear(): void {
    for (const b of this.buckets.values()) {
      if (b.timer) clearTimeout(b.timer);
      for (const w of b.queue.splice(0)) {
        w.cleanup();
        w.reject(new QueueRejection('aborted'));
      }
    }
    this.buckets.clear();
  }

  private bucket(destination: string): Bucket {
    let b = this.buckets.get(destination);
    if (!b) {
      if (this.buckets.size >= 1000) this.sweep();
      b = { tokens: this.limits.burst, refilledAt: this.now(), pausedUntil: 0, queue: [] };
      this.buckets.set(destination, b);
    }
    return b;
  }

  private refill(b: Bucket): void {
    const now = this.now();
    b.tokens = Math.min(this.limits.burst, b.tokens + ((now - b.refilledAt) / 1000) * this.limits.requestsPerSecond);
    b.refilledAt = now;
  }

  // Grant tokens to waiters in order, then sleep until the next token (or the pause's end).
  private schedule(destination: string, b: Bucket): void {
    if (b.timer) {
      clearTimeout(b.timer);
      b.timer = undefined;
    }
    this.refill(b);
    const now = this.now();
    while (b.queue.length && b.tokens >= 1 && now >= b.pausedUntil) {
      b.tokens -= 1;
      const w = b.queue.shift() as Waiter;
      w.cleanup();
      w.resolve();
    }
    if (!b.queue.length) return;
    const untilToken = b.tokens >= 1 ? 0 : ((1 - b.tokens) / this.limits.requestsPerSecond) * 1000;
    const wait = Math.max(untilToken, b.pausedUntil - now, 1);
    b.timer = setTimeout(() => this.schedule(destination, b), Math.ceil(wait));
  }

  // Idle full buckets carry no state worth keeping: drop them so the map stays bounded.
  private sweep(): void {
    for (const [key, b] of this.buckets) {
      this.refill(b);
      if (!b.queue.length && b.tokens >= this.limits.burst && this.now() >= b.pausedUntil) this.buckets.delete(key);
    }
  }
}
