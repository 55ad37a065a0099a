// The chat's turn: its stored, unprocessed updates one at a time, in update_id order —
// the order the customer sent them, whatever order the requests arrived in, and across
// processes: a worker only works on a claim it holds on the chat's oldest update still
// to process (claims.ts), and claims the next one when it marks an update done.
//
// One update's turn: its claim is confirmed in the turn's transaction, the bot handles
// the update with a desk bound to that transaction, and the first call to Telegram (or
// the LLM) commits it (turn-transaction.ts); the update is marked done after the replies
// went out, in the statement that claims the chat's next update. When the transaction
// fails before anything was committed or sent, the turn runs again the classic way.
import { BotError } from "grammy";
import type { Update } from "grammy/types";
import { isDatabaseUnavailable } from "../api/errors.js";
import type { Logger } from "../logger.js";
import type { Claim, Claims } from "./claims.js";
import { cleanJson } from "./clean-text.js";
import type { Desk } from "./context.js";
import type { Lanes } from "./lanes.js";
import { chatLane, type DeskSource, type TenantBot } from "./tenant-bot.js";
import { TurnRetry, TurnTransaction } from "./turn-transaction.js";

/** A turn's first phase is short (the database work of one message); this bounds a stuck one. */
const TURN_TRANSACTION_TIMEOUT_MS = 10_000;
/** Turns of one chat taken in a row before the lane lets others run (the chat is queued again). */
const TURNS_PER_RUN = 50;

/** After a turn: the chat's next update this worker claimed, or whether to look for one again. */
type Outcome = { next: Claim } | "look-again" | "stop";

type Opened = Awaited<ReturnType<typeof TurnTransaction.open<{ payload: unknown }>>>;

export interface ChatTurnsOptions {
  /**
   * At most this many turns hold a transaction open at once. Each holds a connection
   * until its first reply; the rest of the process (the webhook's intake, the API) keeps
   * the others.
   */
  maxOpenTurns: number;
}

export class ChatTurns {
  /** Updates being stored right now, per chat lane. */
  private readonly storing = new Map<string, Set<Promise<unknown>>>();
  /** The desk of each update being handled: bound to its turn's transaction. */
  private readonly desks = new WeakMap<Update, Desk>();
  private readonly slots: Slots;

  constructor(
    private readonly lanes: Lanes,
    private readonly fresh: DeskSource,
    private readonly logger: Logger,
    options: ChatTurnsOptions,
  ) {
    this.slots = new Slots(options.maxOpenTurns);
  }

  /** The desk the features see for this update, if it is being handled in a turn. */
  deskFor(update: Update): Desk | undefined {
    return this.desks.get(update);
  }

  /** Updates of one chat that arrive at once are stored concurrently; the chat's turn waits for all of them. */
  async whileStoring<T>(r: TenantBot, chatId: bigint | null, storing: Promise<T>): Promise<T> {
    const key = chatLane(r, chatId);
    const set = this.storing.get(key) ?? new Set<Promise<unknown>>();
    this.storing.set(key, set.add(storing));
    try {
      return await storing;
    } finally {
      set.delete(storing);
      if (!set.size) this.storing.delete(key);
    }
  }

  /** Nothing of the chat is being stored or handled here: an update stored now may be claimed at once. */
  idle(r: TenantBot, chatId: bigint | null): boolean {
    const key = chatLane(r, chatId);
    return !this.storing.has(key) && !this.lanes.has(key);
  }

  /** Queues the chat's turn, starting with `claim` if the intake claimed the update it stored. */
  queue(r: TenantBot, chatId: bigint | null, claim: Claim | null = null): void {
    const key = chatLane(r, chatId);
    void this.lanes
      .run(key, async () => {
        await Promise.allSettled([...(this.storing.get(key) ?? [])]);
        const { claims } = r;
        let held = claim;
        for (let turns = 0; turns < TURNS_PER_RUN; turns++) {
          // Updates stored meanwhile (by any process) and left unclaimed are taken up too.
          held ??= await claims.claimHead(chatId);
          if (!held) return;
          const outcome = await this.turn(r, claims, chatId, held);
          if (outcome === "stop") return;
          held = outcome === "look-again" ? null : outcome.next;
        }
        this.queue(r, chatId, held);
      })
      .catch((err) => this.logger.error({ botId: r.info.id, err: (err as Error).message }, "update processing failed"));
  }

  /**
   * Stores an update and runs its turn in one transaction, when its chat has nothing else
   * going on here and a transaction slot is free: the update is stored by the turn's first
   * statement (claimed and answered at once when nothing else of the chat is waiting or
   * held anywhere) and the transaction commits before the first reply, as every turn's.
   * Resolves once the update is stored — the webhook's acknowledgement — and rejects when it
   * could not be (a database outage: Telegram delivers it again). "busy" when the usual
   * intake must store it.
   */
  storeAndTurn(r: TenantBot, chatId: bigint, update: Update): Promise<"stored" | "busy"> {
    if (!this.idle(r, chatId) || !this.slots.tryTake()) return Promise.resolve("busy");
    return new Promise((resolve, reject) => {
      let acked = false;
      const ack = (err?: unknown) => {
        if (acked) return;
        acked = true;
        if (err) reject(err);
        else resolve("stored");
      };
      void this.lanes
        .run(chatLane(r, chatId), async () => {
          const outcome = await this.inlineTurn(r, chatId, update, ack);
          if (outcome === "stop") return;
          this.queue(r, chatId, outcome === "look-again" ? null : outcome.next);
        })
        .catch((err) => {
          ack(err);
          this.logger.error({ botId: r.info.id, err: (err as Error).message }, "update processing failed");
        });
    });
  }

  private async inlineTurn(r: TenantBot, chatId: bigint, update: Update, ack: (err?: unknown) => void): Promise<Outcome> {
    const { claims } = r;
    const desk = await this.fresh(r).catch((err) => {
      this.slots.give();
      throw err;
    });
    const release = claims.takeAnswered(chatId);
    let stored: { claim: Claim | null } | null = null;
    let opened: Opened;
    try {
      opened = await TurnTransaction.open(
        desk.deps,
        async (tx) => {
          stored = await claims.storeAnswered(tx, chatId, update.update_id, cleanJson(update), release);
          return stored?.claim ? { payload: update as unknown } : null;
        },
        { timeoutMs: TURN_TRANSACTION_TIMEOUT_MS, onSettled: () => this.slots.give(), onCommitted: () => ack() },
      );
    } catch (err) {
      claims.giveBack(chatId, release);
      ack(err);
      return "stop";
    }
    if (!opened) {
      // A redelivery (nothing stored), or stored to wait for the chat's turn.
      ack();
      return stored ? "look-again" : "stop";
    }
    const claim = (stored as { claim: Claim | null } | null)!.claim!;
    return this.play(r, claims, chatId, claim, update, opened.turn, release, async (cause) => {
      // Rolled back with the turn's work: not stored. Stored the usual way, then its turn again.
      if (isDatabaseUnavailable(cause)) {
        ack(cause);
        return "stop";
      }
      const again = await this.whileStoring(r, chatId, claims.store(update.update_id, chatId, cleanJson(update), true)).catch((err: unknown) => {
        ack(err);
        throw err;
      });
      ack();
      if (!again) return "stop";
      return again.claim ? this.turn(r, claims, chatId, again.claim) : "look-again";
    });
  }

  /** One update, claimed by this worker. */
  private async turn(r: TenantBot, claims: Claims, chatId: bigint | null, claim: Claim): Promise<Outcome> {
    const desk = await this.fresh(r);
    // This worker's answered rows of the chat are let go in the turn's first statement.
    const release = claims.takeAnswered(chatId);
    await this.slots.take();
    let opened: Opened;
    try {
      opened = await TurnTransaction.open(
        desk.deps,
        async (tx) => {
          const payload = await claims.confirm(tx, chatId, claim, release);
          return payload === null ? null : { payload };
        },
        { timeoutMs: TURN_TRANSACTION_TIMEOUT_MS, onSettled: () => this.slots.give() },
      );
    } catch (err) {
      claims.giveBack(chatId, release);
      if (!isDatabaseUnavailable(err)) throw err;
      this.logger.warn({ botId: r.info.id, err: (err as Error).message }, "update could not be taken; it will be retried");
      return "stop";
    }
    if (!opened) {
      // Not ours any more, or an older update of the chat is waiting, or another worker holds
      // the chat: let go (if it is still ours) and start again from the chat's oldest update.
      await claims.release(claim);
      return "look-again";
    }
    const update = opened.value.payload as Update;
    return this.play(r, claims, chatId, claim, update, opened.turn, release, async (cause, retry) => {
      if (isDatabaseUnavailable(cause)) return this.interrupted(r, claims, claim, update, cause);
      // Nothing was committed or sent: the same update again, one transaction per operation.
      if (retry) {
        this.logger.debug({ botId: r.info.id, updateId: update.update_id, err: (cause as Error)?.message }, "turn rolled back; running it again one operation at a time");
        return this.classicTurn(r, claims, chatId, claim, update);
      }
      return this.failed(r, claims, claim, update, cause);
    });
  }

  /**
   * The bot handles the update with a desk bound to the turn's transaction. If the first
   * phase fails, nothing was committed or sent (a send commits first, and refuses once it
   * failed): it is rolled back and `rolledBack` decides what comes next (`retry`: the
   * transaction failed, not the bot).
   */
  private async play(
    r: TenantBot,
    claims: Claims,
    chatId: bigint | null,
    claim: Claim,
    update: Update,
    turn: TurnTransaction,
    release: string[],
    rolledBack: (cause: unknown, retry: boolean) => Promise<Outcome>,
  ): Promise<Outcome> {
    const desk = await this.fresh(r);
    const rollback = async () => {
      if (await turn.rollback()) claims.giveBack(chatId, release);
    };
    // The update is marked answered in the turn's transaction. A turn that asks the LLM goes on
    // after its transaction commits: the mark is taken back first, and the update is done at the end.
    let goesOn = false;
    const beforeLlm = () =>
      turn.commit(async (tx) => {
        goesOn = true;
        await claims.keepToProcess(tx, claim, update);
      });
    const stopHeartbeat = claims.heartbeat(claim.id);
    try {
      const error = await this.handle(r, update, {
        ...desk,
        deps: turn.deps,
        frontDesk: desk.frontDesk.within(turn.deps, beforeLlm),
        chats: desk.chats.within(turn.deps),
        beforeSending: () => turn.commit(),
      });
      if (turn.failed !== null || error instanceof TurnRetry) {
        await rollback();
        return await rolledBack(turn.failed ?? (error as TurnRetry).reason, true);
      }
      if (error && turn.isOpen) {
        await rollback();
        return await rolledBack(error, false);
      }
      if (error && goesOn) return isDatabaseUnavailable(error) ? await this.interrupted(r, claims, claim, update, error) : await this.failed(r, claims, claim, update, error);
      if (error) {
        // After the turn's work was committed and its replies went out: nothing is redone.
        this.logger.warn({ botId: r.info.id, updateId: update.update_id, err: (error as Error).message }, "update answered; what came after its replies failed");
      }
      // Nothing was sent (an update the desk does not answer): the work and the mark commit now.
      if (turn.isOpen) await turn.commit();
    } catch (err) {
      // Only the commit at the end of a turn that sent nothing throws here, before anything was committed.
      await rollback();
      if (err instanceof TurnRetry || isDatabaseUnavailable(err)) return rolledBack(err instanceof TurnRetry ? err.reason : err, true);
      throw err;
    } finally {
      stopHeartbeat();
    }
    if (goesOn) {
      const next = await claims.finishAndClaimNext(chatId, claim.id);
      return next ? { next } : "stop";
    }
    claims.repliesSent(chatId, claim);
    return "stop";
  }

  /** The update again, with the tenant's plain desk: every operation in its own transaction. */
  private async classicTurn(r: TenantBot, claims: Claims, chatId: bigint | null, claim: Claim, update: Update): Promise<Outcome> {
    const stopHeartbeat = claims.heartbeat(claim.id);
    try {
      const error = await this.handle(r, update, null);
      if (error) return isDatabaseUnavailable(error) ? this.interrupted(r, claims, claim, update, error) : this.failed(r, claims, claim, update, error);
    } finally {
      stopHeartbeat();
    }
    const next = await claims.finishAndClaimNext(chatId, claim.id);
    return next ? { next } : "stop";
  }

  /** Runs the bot on the update; the error that escaped the bot's error boundary, if any. */
  private async handle(r: TenantBot, update: Update, desk: Desk | null): Promise<unknown> {
    if (desk) this.desks.set(update, desk);
    try {
      await r.bot.handleUpdate(update);
      return null;
    } catch (err) {
      return err instanceof BotError ? err.error : err;
    } finally {
      this.desks.delete(update);
    }
  }

  /** A database outage interrupted the turn: the update is kept for the sweep. */
  private async interrupted(r: TenantBot, claims: Claims, claim: Claim, update: Update, cause: unknown): Promise<Outcome> {
    this.logger.warn({ botId: r.info.id, updateId: update.update_id, err: (cause as Error).message }, "update failed; it will be retried");
    await claims.release({ id: claim.id }).catch(() => undefined);
    return "stop";
  }

  /**
   * Outside the bot's error boundary (it answers everything else): kept, unprocessed, as a
   * dead letter with its payload, and never retried — its work may be half done.
   */
  private async failed(r: TenantBot, claims: Claims, claim: Claim, update: Update, cause: unknown): Promise<Outcome> {
    this.logger.error({ botId: r.info.id, updateId: update.update_id, err: cause }, "update failed; kept as a dead letter");
    await claims.deadLetter(claim.id).catch(() => undefined);
    return "look-again";
  }
}

/** A counting semaphore: turns wait for a free slot before opening their transaction. */
class Slots {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  /** A slot now, or false. */
  tryTake(): boolean {
    if (this.free <= 0) return false;
    this.free--;
    return true;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
