// One update's database work in as few transactions as it takes. The first phase of a
// turn — everything before the bot first talks to Telegram or to the LLM — runs in ONE
// transaction of the tenant's scope (so under row-level security like every other),
// opened with the check of the update's claim: the tenant is set once, the audit events
// of the turn are written together just before it commits, and the ticket events are
// published only once it has committed. The first outgoing call commits it; whatever the
// turn does after that (a rare hand-over, the LLM's tool calls) runs one statement or
// one domain transaction at a time, as everywhere else.
//
// The first phase is optimistic. A domain rule that fails inside it cannot be undone on
// its own (PostgreSQL has refused the rest of the transaction, or the rule wrote half of
// its work), so any failure rolls the whole phase back and the turn is run again the
// classic way, one transaction per operation — nothing was sent or committed yet, so
// nothing happens twice. A database outage is not retried here: the update is kept.
import { isDatabaseUnavailable } from "../api/errors.js";
import { deferAudits, flushAudits } from "../domain/audit.js";
import type { TenantDeps } from "../domain/deps.js";
import type { EventBus } from "../domain/events.js";
import type { ScopedClient, TenantScope, TenantTx } from "../tenants/scoped-db.js";

/** The first phase of a turn failed: it was rolled back, and the turn is to be run again the classic way. */
export class TurnRetry extends Error {
  override name = "TurnRetry";
  constructor(readonly reason: unknown) {
    super(`The turn's transaction cannot go on: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

class RolledBack extends Error {
  override name = "RolledBack";
}

type Phase = "open" | "committing" | "committed" | "failed" | "rolledBack";

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejected on rollback, when nobody may be listening any more.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class TurnTransaction {
  private phase: Phase = "open";
  private failure: unknown = null;
  private committing: Promise<void> | null = null;
  private readonly events: (() => void)[] = [];
  private readonly delegates = new Map<PropertyKey, unknown>();
  /** The tenant's deps for the turn's domain calls: bound to the transaction while it is open. */
  readonly deps: TenantDeps;

  private constructor(
    private readonly base: TenantDeps,
    private readonly tx: TenantTx,
    private readonly end: Deferred,
    private readonly settled: () => Promise<void>,
    private readonly onCommitted?: () => void,
  ) {
    this.deps = { ...base, scope: this.boundScope(), events: this.boundEvents() };
  }

  /**
   * Opens the turn's transaction and runs `first` in it (the claim). Null, with the
   * transaction ended, when `first` returns null: there is nothing to do. `onSettled`
   * hears when the transaction has ended, however it ended.
   */
  static open<T>(
    base: TenantDeps,
    first: (tx: TenantTx) => Promise<T | null>,
    options: { timeoutMs: number; onSettled?: () => void; onCommitted?: () => void },
  ): Promise<{ turn: TurnTransaction; value: T } | null> {
    return new Promise((resolve, reject) => {
      const end = deferred();
      let handedOut = false;
      const settled: Promise<void> = base.scope.tx(
        async (tx) => {
          const value = await first(tx);
          if (value === null) return;
          deferAudits(tx);
          handedOut = true;
          resolve({ turn: new TurnTransaction(base, tx, end, () => settled, options.onCommitted), value });
          await end.promise;
          await flushAudits(tx);
        },
        { timeoutMs: options.timeoutMs },
      );
      settled.then(
        () => {
          if (!handedOut) {
            options.onCommitted?.();
            resolve(null);
          }
        },
        (err) => {
          if (!handedOut) reject(err);
        },
      );
      settled.catch(() => undefined).finally(() => options.onSettled?.());
    });
  }

  /** Still in the first phase: nothing committed or sent yet. */
  get isOpen(): boolean {
    return this.phase === "open";
  }

  /** Why the first phase failed, if it did: the turn must be rolled back and run again. */
  get failed(): unknown {
    return this.failure;
  }

  /**
   * Ends the first phase: writes the audit events, commits, publishes the events. Called
   * before the first call to Telegram or the LLM, and at the end of the turn. Throws
   * TurnRetry when the phase had failed or the commit does: then nothing was committed.
   */
  commit(last?: (tx: TenantTx) => Promise<void>): Promise<void> {
    this.committing ??= this.doCommit(last);
    return this.committing;
  }

  /** `last` runs in the transaction just before it commits (only for the call that commits). */
  private async doCommit(last?: (tx: TenantTx) => Promise<void>): Promise<void> {
    if (this.phase !== "open") throw new TurnRetry(this.failure ?? new Error(`commit in phase ${this.phase}`));
    if (last) await this.guard(() => last(this.tx));
    this.phase = "committing";
    this.end.resolve();
    try {
      await this.settled();
    } catch (err) {
      this.failure ??= err;
      this.phase = "failed";
      throw isDatabaseUnavailable(err) ? err : new TurnRetry(err);
    }
    this.phase = "committed";
    this.onCommitted?.();
    for (const publish of this.events.splice(0)) publish();
  }

  /** Runs `work` in the open transaction (the turn's own statements: its claim, its end). */
  run<T>(work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return this.guard(() => work(this.tx));
  }

  /** Undoes the first phase if it is still open (a failure, or the turn is to be run again); true if it was not committed. */
  async rollback(): Promise<boolean> {
    if (this.phase !== "open" && this.phase !== "failed") return false;
    this.phase = "rolledBack";
    this.events.length = 0;
    this.end.reject(new RolledBack("The turn was rolled back."));
    await this.settled().catch(() => undefined);
    return true;
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.phase !== "open") throw new TurnRetry(this.failure ?? new Error(`statement in phase ${this.phase}`));
    try {
      return await work();
    } catch (err) {
      // PostgreSQL refuses every later statement of a failed transaction, and a domain rule
      // that failed halfway may have written part of its work: the phase cannot go on.
      this.failure ??= err instanceof TurnRetry ? err.reason : err;
      this.phase = "failed";
      if (err instanceof TurnRetry || isDatabaseUnavailable(err)) throw err;
      throw new TurnRetry(err);
    }
  }

  /** Models and raw queries go to the transaction while it is open, to the tenant's scope after. */
  private boundScope(): TenantScope {
    const base = this.base.scope;
    const db = new Proxy({} as ScopedClient, {
      get: (_target, prop) => {
        if (this.phase === "committed" || this.phase === "rolledBack") return (base.db as unknown as Record<PropertyKey, unknown>)[prop];
        return this.delegate(prop);
      },
    });
    return {
      tenantIds: base.tenantIds,
      db,
      tx: (fn, options) => (this.phase === "committed" || this.phase === "rolledBack" ? base.tx(fn, options) : this.guard(() => fn(this.tx))),
    };
  }

  /** `tx.contact`, `tx.$queryRaw`…, each call guarded (the scope's transaction client compiles the reads it can). */
  private delegate(prop: PropertyKey): unknown {
    const known = this.delegates.get(prop);
    if (known) return known;
    const target = (this.tx as unknown as Record<PropertyKey, unknown>)[prop];
    let wrapped: unknown = target;
    if (typeof target === "function") {
      wrapped = (...args: unknown[]) => this.guard(() => (target as (...a: unknown[]) => Promise<unknown>).apply(this.tx, args));
    } else if (target && typeof target === "object") {
      const delegate = target as Record<PropertyKey, unknown>;
      wrapped = new Proxy(delegate, {
        get: (d, method) => {
          const fn = d[method];
          return typeof fn === "function" ? (...args: unknown[]) => this.guard(() => (fn as (...a: unknown[]) => Promise<unknown>).apply(d, args)) : fn;
        },
      });
    }
    this.delegates.set(prop, wrapped);
    return wrapped;
  }

  /** Events of the first phase wait for its commit (and are dropped with a rollback): nobody hears of a change that is not there yet. */
  private boundEvents(): EventBus {
    const base = this.base.events;
    return {
      publish: ((...args: unknown[]) => {
        const publish = () => (base.publish as (...a: unknown[]) => void)(...args);
        if (this.phase === "committed") publish();
        else this.events.push(publish);
      }) as EventBus["publish"],
      subscribe: base.subscribe.bind(base),
      close: () => base.close(),
    };
  }
}
