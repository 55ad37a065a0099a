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
import { GroupCommit } from "./group-commit.js";

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

interface ToStore {
  updateId: number;
  chatId: bigint | null;
  payload: unknown;
  claim: boolean;
}

interface ToFinish {
  chatId: bigint;
  rowId: string;
}

/** One bot's stored updates. Writes that many chats make at once go together (group-commit.ts). */
export class Claims {
  private readonly storing = new GroupCommit<ToStore, { claim: Claim | null } | null>((items) => this.storeGroup(items));
  private readonly finishing = new GroupCommit<ToFinish, Claim | null>((items) => this.finishGroup(items));

  constructor(
    private readonly scope: TenantScope,
    private readonly tenantId: string,
    private readonly botId: string,
  ) {}

  /**
   * The chat's updates still to process: not done, not given up on, with a payload
   * (rows from before payloads were kept have none: nothing to process).
   */
  private toProcess(chatId: bigint | null, alias = "BotUpdate"): Prisma.Sql {
    const a = Prisma.raw(`"${alias}"`);
    const chat = chatId === null ? Prisma.sql`${a}."chatId" IS NULL` : Prisma.sql`${a}."chatId" = ${chatId}::bigint`;
    return Prisma.sql`${a}."tenantId" = ${this.tenantId} AND ${a}."botId" = ${this.botId} AND ${chat} AND ${this.stillToDo(alias)}`;
  }

  private stillToDo(alias = "BotUpdate"): Prisma.Sql {
    const a = Prisma.raw(`"${alias}"`);
    return Prisma.sql`${a}."processedAt" IS NULL AND ${a}.attempts < ${MAX_UPDATE_ATTEMPTS}::int AND ${a}.payload IS NOT NULL`;
  }

  /** Never claimed, or claimed by a worker that died. */
  private unclaimed(now: Date, alias = "BotUpdate"): Prisma.Sql {
    const a = Prisma.raw(`"${alias}"`);
    return Prisma.sql`(${a}."claimedAt" IS NULL OR ${a}."claimedAt" < ${new Date(now.getTime() - STALE_CLAIM_MS)}::timestamp(3))`;
  }

  /**
   * Writes the update once (a redelivery of the same update_id writes nothing: null). With
   * `claim`, it is claimed for this worker at once when the chat has no other update to
   * process — the usual case — and the claim is returned.
   */
  store(updateId: number, chatId: bigint | null, payload: unknown, claim: boolean): Promise<{ claim: Claim | null } | null> {
    return this.storing.submit({ updateId, chatId, payload, claim });
  }

  private async storeGroup(items: ToStore[]): Promise<({ claim: Claim | null } | null)[]> {
    const now = new Date();
    const rows = await this.scope.db.$queryRaw<{ updateId: bigint; id: string; claimedAt: Date | null }[]>`
      INSERT INTO "BotUpdate" ("tenantId", id, "botId", "updateId", "chatId", payload, "receivedAt", "claimedAt", attempts)
      SELECT ${this.tenantId}, u.id, ${this.botId}, u."updateId", u."chatId", u.payload, ${now}::timestamp(3),
             CASE WHEN c.take THEN ${now}::timestamp(3) END, CASE WHEN c.take THEN 1 ELSE 0 END
      FROM unnest(${items.map(() => randomUUID())}::text[], ${items.map((i) => String(i.updateId))}::bigint[],
                  ${items.map((i) => (i.chatId === null ? null : String(i.chatId)))}::bigint[], ${items.map((i) => JSON.stringify(i.payload))}::jsonb[],
                  ${items.map((i) => i.claim)}::boolean[]) AS u(id, "updateId", "chatId", payload, claim)
      CROSS JOIN LATERAL (
        SELECT u.claim AND NOT EXISTS (
          SELECT 1 FROM "BotUpdate" b WHERE b."tenantId" = ${this.tenantId} AND b."botId" = ${this.botId}
            AND b."chatId" IS NOT DISTINCT FROM u."chatId" AND ${this.stillToDo("b")}) AS take
      ) c
      ON CONFLICT ("tenantId", "botId", "updateId") DO NOTHING
      RETURNING "updateId", id, "claimedAt"`;
    const stored = new Map(rows.map((r) => [Number(r.updateId), r]));
    return items.map((item) => {
      const row = stored.get(item.updateId);
      // The same update twice in one group (a redelivery racing the original): stored once.
      stored.delete(item.updateId);
      if (!row) return null;
      return { claim: row.claimedAt ? { id: row.id, updateId: BigInt(item.updateId), token: row.claimedAt } : null };
    });
  }

  /** Claims the chat's oldest update still to process, if no live worker holds it (its own transaction). */
  async claimHead(chatId: bigint | null): Promise<Claim | null> {
    const now = new Date();
    const rows = await this.scope.db.$queryRaw<{ id: string; updateId: bigint; claimedAt: Date }[]>`
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
   * holds: one statement, in `tx` (a turn's transaction) or together with other chats'.
   */
  finishAndClaimNext(chatId: bigint | null, rowId: string, tx?: Sql): Promise<Claim | null> {
    if (tx || chatId === null) return this.finishOne(tx ?? this.scope.db, chatId, rowId);
    return this.finishing.submit({ chatId, rowId });
  }

  private async finishOne(db: Sql, chatId: bigint | null, rowId: string): Promise<Claim | null> {
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

  private async finishGroup(items: ToFinish[]): Promise<(Claim | null)[]> {
    const now = new Date();
    const done = items.map((i) => i.rowId);
    const rows = await this.scope.db.$queryRaw<{ id: string; chatId: bigint; updateId: bigint; claimedAt: Date }[]>`
      WITH done AS (
        UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL, payload = NULL
        WHERE "tenantId" = ${this.tenantId} AND id = ANY(${done}::text[])
      ), heads AS (
        SELECT DISTINCT ON ("chatId") id FROM "BotUpdate" n
        WHERE n."tenantId" = ${this.tenantId} AND n."botId" = ${this.botId} AND n."chatId" = ANY(${items.map((i) => String(i.chatId))}::bigint[])
          AND ${this.stillToDo("n")} AND NOT (n.id = ANY(${done}::text[]))
        ORDER BY "chatId", "updateId"
      )
      UPDATE "BotUpdate" SET "claimedAt" = ${now}::timestamp(3), attempts = attempts + 1
      FROM heads
      WHERE "BotUpdate"."tenantId" = ${this.tenantId} AND "BotUpdate".id = heads.id AND ${this.stillToDo()} AND ${this.unclaimed(now)}
      RETURNING "BotUpdate".id, "BotUpdate"."chatId", "BotUpdate"."updateId", "BotUpdate"."claimedAt"`;
    const next = new Map(rows.map((r) => [r.chatId, { id: r.id, updateId: r.updateId, token: r.claimedAt }]));
    return items.map((i) => {
      const claim = next.get(i.chatId) ?? null;
      // Two turns of one chat in one group cannot happen (a chat has one turn at a time), but never hand a claim out twice.
      next.delete(i.chatId);
      return claim;
    });
  }

  /** Keeps a claim fresh while a long turn runs (the LLM may take a while). */
  heartbeat(rowId: string): () => void {
    const timer = setInterval(() => {
      void this.scope.db.$queryRaw`
        UPDATE "BotUpdate" SET "claimedAt" = ${new Date()}::timestamp(3)
        WHERE "tenantId" = ${this.tenantId} AND id = ${rowId} AND "processedAt" IS NULL AND "claimedAt" IS NOT NULL RETURNING id`.catch(() => undefined);
    }, STALE_CLAIM_MS / 3);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Lets go of a claim (with a token: only if still this worker's); the update is taken up again later. */
  async release(claim: Pick<Claim, "id"> & { token?: Date }): Promise<void> {
    const ours = claim.token ? Prisma.sql`AND "claimedAt" = ${claim.token}::timestamp(3)` : Prisma.empty;
    await this.scope.db.$queryRaw`UPDATE "BotUpdate" SET "claimedAt" = NULL WHERE "tenantId" = ${this.tenantId} AND id = ${claim.id} AND "processedAt" IS NULL ${ours} RETURNING id`;
  }

  /** Kept unprocessed with its payload, and never retried: its work may be half done. */
  async deadLetter(rowId: string): Promise<void> {
    await this.scope.db.$queryRaw`UPDATE "BotUpdate" SET "claimedAt" = NULL, attempts = ${MAX_UPDATE_ATTEMPTS}::int WHERE "tenantId" = ${this.tenantId} AND id = ${rowId} RETURNING id`;
  }

  /** Chats with updates to process that no live worker holds (a crash, a database outage). */
  async chatsToTakeUp(): Promise<(bigint | null)[]> {
    const rows = await this.scope.db.$queryRaw<{ chatId: bigint | null }[]>`
      SELECT DISTINCT "chatId" FROM "BotUpdate"
      WHERE "tenantId" = ${this.tenantId} AND "botId" = ${this.botId} AND ${this.stillToDo()} AND ${this.unclaimed(new Date())}
      LIMIT 500`;
    return rows.map((r) => r.chatId);
  }

  /**
   * Processed updates are kept only as long as Telegram may deliver them again (it gives
   * up after 24 hours): the table does not grow with every message.
   */
  async forgetProcessed(): Promise<void> {
    await this.scope.db.$executeRaw`
      DELETE FROM "BotUpdate" WHERE "tenantId" = ${this.tenantId} AND "botId" = ${this.botId}
        AND "processedAt" < ${new Date(Date.now() - PROCESSED_UPDATE_KEEP_MS)}::timestamp(3)`;
  }
}
