// Work that must happen one at a time per key (a chat, a ticket), in the order it
// was queued, while different keys run concurrently. Nothing here is durable: the
// durable parts (BotUpdate, BotDelivery) are written before work is queued.

export class Lanes {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  /** Runs `fn` after everything queued before it under `key`; resolves or rejects with its result. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    this.pending.add(tail);
    void tail.then(() => {
      this.pending.delete(tail);
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Work is queued or running under `key`. */
  has(key: string): boolean {
    return this.tails.has(key);
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Resolves once no work is queued or running, including work queued by work that
   * ran meanwhile (an update whose handling published an event that queued a delivery).
   */
  async idle(): Promise<void> {
    for (;;) {
      while (this.pending.size) await Promise.allSettled([...this.pending]);
      // Let event listeners that were handed something in the last turn queue their work.
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.pending.size) return;
    }
  }
}
