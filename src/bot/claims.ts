// Stored updates and who holds them. An update is processed at most once: a worker
// claims it before its turn (claimedAt; a claim older than STALE_CLAIM_MS belongs to a
// worker that died and may be taken again), and one chat's updates go in update_id
// order across processes: only the oldest update still to process of a chat is ever
// claimed.
import { Prisma } from "../generated/prisma/index.js";
import type { TenantScope } from "../tenants/scoped-db.js";

/** A claim older than this belongs to a worker that died: the update may be taken again. */
export const STALE_CLAIM_MS = 60_000;
export const MAX_UPDATE_ATTEMPTS = 5;
/** How long a processed update's row stays to recognise a redelivery (Telegram retries for at most 24 h). */
export const PROCESSED_UPDATE_KEEP_MS = 48 * 60 * 60_000;

/**
 * Stored updates still to be processed: not done, not given up on, and with a payload
 * (rows from before payloads were kept have none: nothing to process).
 */
const TO_PROCESS = { processedAt: null, attempts: { lt: MAX_UPDATE_ATTEMPTS }, payload: { not: Prisma.DbNull } } satisfies Prisma.BotUpdateWhereInput;

/** Not held by a live worker: never claimed, or claimed by one that died (the claim went stale). */
function unclaimed(now = Date.now()): Prisma.BotUpdateWhereInput {
  return { OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now - STALE_CLAIM_MS) } }] };
}

export interface StoredUpdate {
  id: string;
  payload: unknown;
}

export class Claims {
  constructor(
    private readonly scope: TenantScope,
    private readonly tenantId: string,
    private readonly botId: string,
  ) {}

  /** The chat's updates still to process, oldest first. */
  pending(chatId: bigint | null): Promise<StoredUpdate[]> {
    return this.scope.db.botUpdate.findMany({
      where: { botId: this.botId, chatId, ...TO_PROCESS },
      orderBy: { updateId: "asc" },
      select: { id: true, payload: true },
      take: 50,
    });
  }

  /** Takes the update if it is still to process and no live worker holds it. */
  async claim(rowId: string): Promise<boolean> {
    const now = new Date();
    const claimed = await this.scope.db.botUpdate.updateMany({
      where: { id: rowId, ...TO_PROCESS, ...unclaimed(now.getTime()) },
      data: { claimedAt: now, attempts: { increment: 1 } },
    });
    return claimed.count > 0;
  }

  /** Keeps a claim fresh while a long turn runs (the LLM may take a while). */
  heartbeat(rowId: string): () => void {
    const timer = setInterval(() => {
      void this.scope.db.botUpdate.updateMany({ where: { id: rowId, processedAt: null }, data: { claimedAt: new Date() } }).catch(() => undefined);
    }, STALE_CLAIM_MS / 3);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Done: the payload is dropped, the row stays to recognise a redelivery. */
  async finish(rowId: string): Promise<void> {
    await this.update(rowId, { processedAt: new Date(), claimedAt: null, payload: Prisma.DbNull });
  }

  /** Left to be taken up again (a database outage interrupted the turn). */
  async release(rowId: string): Promise<void> {
    await this.update(rowId, { claimedAt: null });
  }

  /** Kept unprocessed with its payload, and never retried: its work may be half done. */
  async deadLetter(rowId: string): Promise<void> {
    await this.update(rowId, { claimedAt: null, attempts: MAX_UPDATE_ATTEMPTS });
  }

  /** Chats with updates to process that no live worker holds (a crash, a database outage). */
  async chatsToTakeUp(): Promise<(bigint | null)[]> {
    const chats = await this.scope.db.botUpdate.findMany({
      where: { botId: this.botId, ...TO_PROCESS, ...unclaimed() },
      distinct: ["chatId"],
      select: { chatId: true },
      take: 500,
    });
    return chats.map((c) => c.chatId);
  }

  /**
   * Processed updates are kept only as long as Telegram may deliver them again (it gives
   * up after 24 hours): the table does not grow with every message.
   */
  async forgetProcessed(): Promise<void> {
    await this.scope.db.botUpdate.deleteMany({ where: { botId: this.botId, processedAt: { lt: new Date(Date.now() - PROCESSED_UPDATE_KEEP_MS) } } });
  }

  private async update(rowId: string, data: Prisma.BotUpdateUpdateInput): Promise<void> {
    await this.scope.db.botUpdate.update({ where: { tenantId_id: { tenantId: this.tenantId, id: rowId } }, data });
  }
}
