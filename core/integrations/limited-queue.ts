// At most `limit` tasks at once, started in arrival order; the rest wait their turn. A storm
// queues here instead of running every task at once, while one slow task (a search waiting on
// file I/O behind a busy event loop) no longer holds up all the others as a SerialQueue would.
export class LimitedQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`LimitedQueue: limit must be a positive integer, got ${limit}`);
  }

  /** Tasks queued or running. */
  get depth(): number {
    return this.running + this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, onDepth?: (depth: number) => void): Promise<T> {
    if (this.running < this.limit) this.running += 1;
    else {
      const turn = new Promise<void>((resolve) => this.waiting.push(resolve));
      onDepth?.(this.depth);
      await turn; // the finishing task handed its slot over: `running` already counts this one
    }
    onDepth?.(this.depth);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
      onDepth?.(this.depth);
    }
  }
}
