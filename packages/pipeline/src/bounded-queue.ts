interface Taker<T> {
  resolve: (value: T | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * An async FIFO with a fixed capacity: the producer awaits `push`/`waitForSpace` while it is full, so a slow
 * consumer bounds how much work is ahead of it (backpressure). `take` resolves `undefined` once the queue
 * is closed and drained; after `fail(err)` every take rejects with err.
 */
export class BoundedQueue<T> implements AsyncIterable<T> {
  readonly capacity: number;
  #items: T[] = [];
  #takers: Taker<T>[] = [];
  #spaceWaiters: ((open: boolean) => void)[] = [];
  #closed = false;
  #failed = false;
  #error: unknown;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`BoundedQueue: capacity must be an integer >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Items ready to take. */
  get size(): number {
    return this.#items.length;
  }

  /** Whether close() or fail() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A copy of the queued items, oldest first (for inspection, e.g. counting ready batches). */
  snapshot(): readonly T[] {
    return [...this.#items];
  }

  /** Resolves true once there is room, or false when the queue is closed (the producer should stop). */
  waitForSpace(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#items.length < this.capacity) return Promise.resolve(true);
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  /** Waits for room, then enqueues. Resolves false (item dropped) if the queue was closed. */
  async push(item: T): Promise<boolean> {
    while (this.#items.length >= this.capacity && !this.#closed) {
      await new Promise<boolean>((resolve) => this.#spaceWaiters.push(resolve));
    }
    return this.tryPush(item);
  }

  /** Enqueues without waiting; false when full or closed. */
  tryPush(item: T): boolean {
    if (this.#closed || this.#items.length >= this.capacity) return false;
    const taker = this.#takers.shift();
    if (taker) taker.resolve(item);
    else this.#items.push(item);
    return true;
  }

  /** The next item; undefined when closed and empty. */
  take(): Promise<T | undefined> {
    if (this.#failed) return Promise.reject(this.#error);
    if (this.#items.length > 0) {
      const item = this.#items.shift() as T;
      this.#wakeOneProducer();
      return Promise.resolve(item);
    }
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.#takers.push({ resolve, reject }));
  }

  /** No more pushes; queued items can still be taken. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#takers.splice(0)) t.resolve(undefined);
    for (const w of this.#spaceWaiters.splice(0)) w(false);
  }

  /** Closes and makes every pending and future take reject with `error`; queued items are dropped. */
  fail(error: unknown): void {
    this.#failed = true;
    this.#error = error;
    this.#items = [];
    for (const t of this.#takers.splice(0)) t.reject(error);
    this.close();
  }

  #wakeOneProducer(): void {
    const waiter = this.#spaceWaiters.shift();
    if (waiter) waiter(true);
  }

  /** Takes items until the queue is closed and empty (or rethrows its failure). */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = await this.take();
      if (item === undefined && this.#closed && this.#items.length === 0) return;
      yield item as T;
    }
  }
}
