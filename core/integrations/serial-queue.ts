// One task at a time, in arrival order: notifications for one destination must not overtake
// each other (a thread reply before its parent, an acknowledge before its trigger), and a
// storm waits here instead of overflowing the HTTP policy's bounded rate-limit queue.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Tasks queued or running. */
  get depth(): number {
    return this.waiting;
  }

  run<T>(task: () => Promise<T>, onDepth?: (depth: number) => void): Promise<T> {
    this.waiting += 1;
    onDepth?.(this.waiting);
    const result = this.tail.then(task);
    const settle = (): void => {
      this.waiting -= 1;
      onDepth?.(this.waiting);
    };
    // The chain continues whatever one task did.
    this.tail = result.then(settle, settle);
    return result;
  }
}
