import { SerialQueue } from './serial-queue';

// One SerialQueue per key (e.g. per incident): tasks for the same key run one at a time in
// arrival order, tasks for different keys run side by side. Idle keys are forgotten.
export class KeyedSerialQueue {
  private readonly queues = new Map<string, SerialQueue>();

  /** Tasks queued or running for a key. */
  depth(key: string): number {
    return this.queues.get(key)?.depth ?? 0;
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.queues.size;
  }

  async run<T>(key: string, task: () => Promise<T>, onDepth?: (depth: number) => void): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new SerialQueue();
      this.queues.set(key, queue);
    }
    const q = queue;
    try {
      return await q.run(task, onDepth);
    } finally {
      if (q.depth === 0 && this.queues.get(key) === q) this.queues.delete(key);
    }
  }
}
