// The chat's turn: every stored, unprocessed update of one chat, in update_id order —
// the order the customer sent them, whatever order the requests arrived in, and across
// processes: the turn stops at the first update another worker holds (that worker goes
// on with the rest when it is done) or that a database outage left for the sweep.
import { BotError } from "grammy";
import type { Update } from "grammy/types";
import { isDatabaseUnavailable } from "../api/errors.js";
import type { Logger } from "../logger.js";
import { Claims } from "./claims.js";
import type { Lanes } from "./lanes.js";
import { chatLane, type DeskSource, type TenantBot } from "./tenant-bot.js";

export class ChatTurns {
  /** Updates being stored right now, per chat lane. */
  private readonly storing = new Map<string, Set<Promise<unknown>>>();

  constructor(
    private readonly lanes: Lanes,
    private readonly fresh: DeskSource,
    private readonly logger: Logger,
  ) {}

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

  /** Queues the chat's turn. */
  queue(r: TenantBot, chatId: bigint | null): void {
    const key = chatLane(r, chatId);
    void this.lanes
      .run(key, async () => {
        await Promise.allSettled([...(this.storing.get(key) ?? [])]);
        const claims = new Claims(r.desk.deps.scope, r.info.tenantId, r.info.id);
        // Again until none is left: updates stored meanwhile by another process are taken up too.
        for (let round = 0; round < 20; round++) {
          const pending = await claims.pending(chatId);
          if (!pending.length) return;
          for (const u of pending) {
            // A later message is never answered before an earlier one.
            if (!(await this.process(r, claims, u.id, u.payload as Update))) return;
          }
        }
      })
      .catch((err) => this.logger.error({ botId: r.info.id, err: (err as Error).message }, "update processing failed"));
  }

  /**
   * Processes a stored update if this worker can claim it: unprocessed, and not taken
   * by another worker recently (the claim is renewed while the turn runs, however long
   * the assistant takes). False when the update is still to be done: taken by another
   * worker, or left for the sweep by a database outage.
   */
  private async process(r: TenantBot, claims: Claims, rowId: string, update: Update): Promise<boolean> {
    if (!(await claims.claim(rowId))) return false;
    const stopHeartbeat = claims.heartbeat(rowId);
    try {
      await this.fresh(r);
      await r.bot.handleUpdate(update);
    } catch (err) {
      const cause = err instanceof BotError ? err.error : err;
      if (isDatabaseUnavailable(cause)) {
        this.logger.warn({ botId: r.info.id, updateId: update.update_id, err: (cause as Error).message }, "update failed; it will be retried");
        await claims.release(rowId).catch(() => undefined);
        return false;
      }
      // Outside the bot's error boundary (it answers everything else): kept, unprocessed, as a
      // dead letter with its payload, and never retried — its work may be half done.
      this.logger.error({ botId: r.info.id, updateId: update.update_id, err: cause }, "update failed; kept as a dead letter");
      await claims.deadLetter(rowId).catch(() => undefined);
      return true;
    } finally {
      stopHeartbeat();
    }
    await claims.finish(rowId);
    return true;
  }
}
