import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('BoundedQueue', () => {
  it('delivers in FIFO order and ends after close', async () => {
    const q = new BoundedQueue<number>(3);
    await q.push(1);
    await q.push(2);
    q.close();
    const seen: number[] = [];
    for await (const v of q) seen.push(v);
    expect(seen).toEqual([1, 2]);
  });

  it('blocks the producer while full and resumes after a take', async () => {
    const q = new BoundedQueue<string>(1);
    await q.push('a');
    let pushed = false;
    const p = q.push('b').then(() => {
      pushed = true;
    });
    await tick();
    expect(pushed).toBe(false);
    expect(q.size).toBe(1);
    expect(await q.take()).toBe('a');
    await p;
    expect(pushed).toBe(true);
    expect(await q.take()).toBe('b');
  });

  it('hands an item straight to a waiting taker', async () => {
    const q = new BoundedQueue<number>(1);
    const t = q.take();
    expect(q.tryPush(5)).toBe(true);
    expect(await t).toBe(5);
    expect(q.size).toBe(0);
  });

  it('never holds more than capacity with a slow consumer', async () => {
    const q = new BoundedQueue<number>(2);
    let maxSize = 0;
    const producer = (async () => {
      for (let i = 0; i < 20; i++) {
        await q.push(i);
        maxSize = Math.max(maxSize, q.size);
      }
      q.close();
    })();
    const got: number[] = [];
    for await (const v of q) {
      got.push(v);
      await tick();
    }
    await producer;
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(maxSize).toBeLessThanOrEqual(2);
  });

  it('close releases a blocked producer with false; fail rejects takers', async () => {
    const q = new BoundedQueue<number>(1);
    await q.push(1);
    const blocked = q.push(2);
    q.close();
    expect(await blocked).toBe(false);
    expect(await q.waitForSpace()).toBe(false);
    expect(await q.take()).toBe(1);
    expect(await q.take()).toBeUndefined();

    const f = new BoundedQueue<number>(1);
    const waiting = f.take();
    f.fail(new Error('boom'));
    await expect(waiting).rejects.toThrow('boom');
    await expect(f.take()).rejects.toThrow('boom');
  });

  it('rejects a bad capacity', () => {
    expect(() => new BoundedQueue(0)).toThrow(/capacity/);
  });
});
