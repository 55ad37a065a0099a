// Stored updates and who holds them. An update is processed at most once: a worker holds
// a committed claim on it while its turn runs (claimedAt; a claim older than
// STALE_CLAIM_MS belongs to a worker that died, and the update may be taken again), and
// each claim counts one attempt, so an update that keeps failing is given up after
// MAX_UPDATE_ATTEMPTS. One chat's updates go in update_id order across processes: only
// the oldest update still to process of a chat is ever worked on.
//
// Claims cost no transaction of their own on the usual path: the intake claims an update
// as it stores it when the chat has nothing else to process, and the end of a turn
// claims the chat's next update in the statement that marks the turn's update done.
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/index.js";
import type { TenantScope, TenantTx } from "../tenants/scoped-db.js";

/** A claim older than this belongs to a worker that died: the update may be taken again. */
export const STALE_CLAIM_MS = 60_000;
export const MAX_UPDATE_ATTEMPTS = 5;
/** How long a processed update's row stays to recognise a redelivery (Telegram retries for at most 24 h). */
export const PROCESSED_UPDATE_KEEP_MS = 48 * 60 * 60_000;

/** An update this worker holds: `token` is the claimedAt it wrote, so it can tell whether the claim is still its own. */
export interface Claim {
  id: string;
  updateId: bigint;
  token: Date;
}

/** A raw-SQL runner: the tenant scope's client, or a transaction of it (row-level security applies to both). */
type Sql = Pick<TenantTx, "$queryRaw">;

export class Claims {
  constructor(
    private readonly tenantId: string,
    private readonly botId: string,
  ) {}

  /**
   * The chat's updates still to process: not done, not given up on, with a payload
   * (rows from before payloads were kept have none: nothing to process).
   */
  private toProcess(chatId: bigint | null): Prisma.Sql {
    const chat = chatId === null ? Prisma.sql`"chatId" IS NULL` : Prisma.sql`"chatId" = ${chatId}::bigint`;
    return Prisma.sql`"tenantId" = ${this.tenantId} AND "botId" = ${this.botId} AND ${chat}
      AND "processedAt" IS NULL AND attempts < ${MAX_UPDATE_ATTEMPTS}::int AND payload IS NOT NULL`;
  }

  /** Never claimed, or claimed by a worker that died. */
  private unclaimed(now: Date): Prisma.Sql {
    return Prisma.sql`("claimedAt" IS NULL OR "claimedAt" < ${new Date(now.getTime() - STALE_CLAIM_MS)}::timestamp(3))`;
  }

  /**
   * Writes the update once (a redelivery of the same update_id writes nothing: null). With
   * `claim`, it is claimed for this worker at once when the chat has no other update to
   * process — the usual case — and the claim is returned.
   */
  async store(db: Sql, updateId: number, chatId: bigint | null, payload: unknown, claim: boolean): Promise<{ claim: Claim | null } | null> {
    const now = new Date();
    const claimIt = claim ? Prisma.sql`NOT EXISTS (SELECT 1 FROM "BotUpdate" WHERE ${this.toProcess(chatId)})` : Prisma.sql`false`;
    const rows = await db.$queryRaw<{ id: string; claimedAt: Date | null }[]>`
      INSERT INTO "BotUpdate" ("tenantId", id, "botId", "updateId", "chatId", payload, "receivedAt", "claimedAt", attempts)
      SELECT ${this.tenantId}, ${randomUUID()}, ${this.botId}, ${BigInt(updateId)}::bigint, ${chatId}::bigint, ${JSON.stringify(payload)}::jsonb, ${now}::timestamp(3),
             CASE WHEN claim THEN ${now}::timestamp(3) END, CASE WHEN claim THEN 1 ELSE 0 END
      FROM (SELECT ${claimIt} AS claim) c
      ON CONFLICT ("tenantId", "botId", "updateId") DO NOTHING
      RETURNING id, "claimedAt"`;
    const row = rows[0];
    if (!row) return null;
    return { claim: row.claimedAt ? { id: row.id, updateId: BigInt(updateId), token: row.claimedAt } : null };
  }

  /** Claims the chat's oldest update still to process, if no live worker holds it (its own transaction). */
  async claimHead(db: Sql, chatId: bigint | null): Promise<Claim | null> {
    const now = new Date();
    const rows = await db.$queryRaw<{ id: string; updateId: bigint; claimedAt: Date }[]>`
      UPDATE "BotUpdate" SET "claimedAt" = ${now}::timestamp(3), attempts = attempts + 1
      WHERE "tenantId" = ${this.tenantId}
        AND id = (SELECT id FROM "BotUpdate" WHERE ${this.toProcess(chatId)} ORDER BY "updateId" LIMIT 1)
        AND ${this.toProcess(chatId)} AND ${this.unclaimed(now)}
      RETURNING id, "updateId", "claimedAt"`;
    const row = rows[0];
    return row ? { id: row.id, updateId: row.updateId, token: row.claimedAt } : null;
  }

  /**
   * At the start of a turn, in its transaction: the update's payload if the claim is still
   * this worker's and no older update of the chat is waiting (another process stored one
   * at the same moment: it goes first). Null otherwise.
   */
  async confirm(tx: Sql, chatId: bigint | null, claim: Claim): Promise<unknown> {
    const rows = await tx.$queryRaw<{ payload: unknown }[]>`
      UPDATE "BotUpdate" SET "claimedAt" = ${new Date()}::timestamp(3)
      WHERE "tenantId" = ${this.tenantId} AND id = ${claim.id} AND "claimedAt" = ${claim.token}::timestamp(3) AND "processedAt" IS NULL
        AND NOT EXISTS (SELECT 1 FROM "BotUpdate" WHERE ${this.toProcess(chatId)} AND "updateId" < ${claim.updateId}::bigint)
      RETURNING payload`;
    return rows.length ? (rows[0]!.payload ?? null) : null;
  }

  /**
   * Marks the update done (the payload is dropped, the row stays to recognise a
   * redelivery) and claims the chat's next update, if one is waiting that no live worker
   * holds: one statement.
   */
  async finishAndClaimNext(db: Sql, chatId: bigint | null, rowId: string): Promise<Claim | null> {
    const now = new Date();
    const rows = await db.$queryRaw<{ id: string; updateId: bigint; claimedAt: Date }[]>`
      WITH done AS (
        UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL, payload = NULL
        WHERE "tenantId" = ${this.tenantId} AND id = ${rowId}
      )
      UPDATE "BotUpdate" SET "claimedAt" = ${now}::timestamp(3), attempts = attempts + 1
      WHERE "tenantId" = ${this.tenantId}
        AND id = (SELECT id FROM "BotUpdate" WHERE ${this.toProcess(chatId)} AND id <> ${rowId} ORDER BY "updateId" LIMIT 1)
        AND ${this.toProcess(chatId)} AND ${this.unclaimed(now)}
      RETURNING id, "updateId", "claimedAt"`;
    const row = rows[0];
    return row ? { id: row.id, updateId: row.updateId, token: row.claimedAt } : null;
  }

  /** Keeps a claim fresh while a long turn runs (the LLM may take a while). */
  heartbeat(scope: TenantScope, rowId: string): () => void {
    const timer = setInterval(() => {
      void scope.db.$executeRaw`
        UPDATE "BotUpdate" SET "claimedAt" = ${new Date()}::timestamp(3)
        WHERE "tenantId" = ${this.tenantId} AND id = ${rowId} AND "processedAt" IS NULL AND "claimedAt" IS NOT NULL`.catch(() => undefined);
    }, STALE_CLAIM_MS / 3);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Lets go of a claim still this worker's: the update is taken up again (by the sweep, or the worker that holds an older one). */
  async release(db: Sql, claim: Pick<Claim, "id"> & { token?: Date }): Promise<void> {
    const ours = claim.token ? Prisma.sql`AND "claimedAt" = ${claim.token}::timestamp(3)` : Prisma.empty;
    await db.$queryRaw`UPDATE "BotUpdate" SET "claimedAt" = NULL WHERE "tenantId" = ${this.tenantId} AND id = ${claim.id} AND "processedAt" IS NULL ${ours} RETURNING id`;
  }

  /** Kept unprocessed with its payload, and never retried: its work may be half done. */
  async deadLetter(db: Sql, rowId: string): Promise<void> {
    await db.$queryRaw`UPDATE "BotUpdate" SET "claimedAt" = NULL, attempts = ${MAX_UPDATE_ATTEMPTS}::int WHERE "tenantId" = ${this.tenantId} AND id = ${rowId} RETURNING id`;
  }

  /** Chats with updates to process that no live worker holds (a crash, a database outage). */
  async chatsToTakeUp(db: Sql): Promise<(bigint | null)[]> {
    const now = new Date();
    const rows = await db.$queryRaw<{ chatId: bigint | null }[]>`
      SELECT DISTINCT "chatId" FROM "BotUpdate"
      WHERE "tenantId" = ${this.tenantId} AND "botId" = ${this.botId} AND "processedAt" IS NULL
        AND attempts < ${MAX_UPDATE_ATTEMPTS}::int AND payload IS NOT NULL AND ${this.unclaimed(now)}
      LIMIT 500`;
    return rows.map((r) => r.chatId);
  }

  /**
   * Processed updates are kept only as long as Telegram may deliver them again (it gives
   * up after 24 hours): the table does not grow with every message.
   */
  async forgetProcessed(db: Sql): Promise<void> {
    await db.$queryRaw`
      DELETE FROM "BotUpdate" WHERE "tenantId" = ${this.tenantId} AND "botId" = ${this.botId}
        AND "processedAt" < ${new Date(Date.now() - PROCESSED_UPDATE_KEEP_MS)}::timestamp(3) RETURNING id`;
  }
}
