// Group commit: writes that arrive while one is in flight wait for it and then go
// together, in one statement. Under light load each write goes alone and at once;
// under heavy load the statements (and transactions) per write fall with the load.

interface Waiting<I, O> {
  item: I;
  resolve(out: O): void;
  reject(err: unknown): void;
}

export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private busy = false;

  /** `write` gets the items of one group and returns one result per item, in order. */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly maxGroup = 200,
  ) {}

  /** Resolves once the item's group is written (or rejects with the group's error). */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, this.maxGroup);
        try {
          const out = await this.write(group.map((w) => w.item));
          group.forEach((w, i) => w.resolve(out[i]!));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
