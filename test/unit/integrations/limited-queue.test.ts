import assert from 'node:assert/strict';
import { LimitedQueue } from '../../../core/integrations/limited-queue';

describe('LimitedQueue', () => {
  it('runs at most its limit at once, starts the rest in arrival order, and settles every task', async () => {
    const q = new LimitedQueue(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const depths: number[] = [];
    const tasks = Array.from({ length: 12 }, (_, i) => q.run(async () => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      // Uneven durations: later tasks may finish first, but never start first.
      await new Promise((r) => setTimeout(r, (12 - i) % 4));
      running -= 1;
      if (i === 5) throw new Error('task 5 failed');
      return i;
    }, (d) => depths.push(d)));
    const results = await Promise.allSettled(tasks);
    assert.equal(most, 3);
    assert.deepEqual(started, [...Array(12).keys()]);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [0, 1, 2, 3, 4, 'task 5 failed', 6, 7, 8, 9, 10, 11]);
    assert.equal(Math.max(...depths), 12);
    assert.equal(depths.at(-1), 0);
    assert.equal(q.depth, 0);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => new LimitedQueue(bad), RangeError);
  });
});
