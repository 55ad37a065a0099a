// Stored updates and who holds them. An update is processed at most once, and one chat's
// updates in update_id order across processes.
//
// A worker holds a committed claim on an update while it works on it (claimedAt; a claim
// older than STALE_CLAIM_MS belongs to a worker that died, and the update may be taken
// again). Each claim counts one attempt, so an update that keeps failing is given up after
// MAX_UPDATE_ATTEMPTS. A row goes through these states:
//   to process   processedAt NULL, payload kept         (claimed or not)
//   answered     processedAt NULL, payload dropped      its work is committed; the claim is
//                                                       kept while the replies go out
//   done         processedAt set                        kept 48 h to recognise a redelivery
// A chat is held while any of its rows still to process or answered has a live claim: only
// the holder works on it, so a later update is never worked on, nor answered, before an
// earlier one. A worker only claims a chat's oldest update still to process.
//
// Claims cost no statement of their own on the usual path: the intake claims an update in
// the INSERT that stores it when its chat has nothing else to process; the turn marks it
// answered in the statement that confirms the claim, inside the turn's transaction (so the
// mark commits or rolls back with the turn's work); once the replies are out, the answered
// row is let go (done) with the next statement about its chat — usually the intake of the
// customer's next message — or, within RELEASE_AFTER_MS, together with other chats'.
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/index.js";
import type { TenantScope, TenantTx } from "../tenants/scoped-db.js";
import { GroupCommit } from "./group-commit.js";

/** A claim older than this belongs to a worker that died: the update may be taken again. */
export const STALE_CLAIM_MS = 60_000;
export const MAX_UPDATE_ATTEMPTS = 5;
/** How long a done update's row stays to recognise a redelivery (Telegram retries for at most 24 h). */
export const PROCESSED_UPDATE_KEEP_MS = 48 * 60 * 60_000;
/** Answered rows not let go by a statement about their chat meanwhile are let go together after this long. */
const RELEASE_AFTER_MS = 100;

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
  /** This worker's answered rows of the chat, let go in the same statement. */
  release: string[];
}

interface ToFinish {
  chatId: bigint;
  rowId: string;
}

type ClaimRow = { id: string; updateId: bigint; claimedAt: Date };

const claimOf = (row: ClaimRow | undefined): Claim | null => (row ? { id: row.id, updateId: row.updateId, token: row.claimedAt } : null);
const chatKey = (chatId: bigint | null) => (chatId === null ? "none" : String(chatId));

/** One bot's stored updates. Writes that many chats make at once go together (group-commit.ts). */
export class Claims {
  private readonly storing = new GroupCommit<ToStore, { claim: Claim | null } | null>((items) => this.storeGroup(items));
  private readonly finishing = new GroupCommit<ToFinish, Claim | null>((items) => this.finishGroup(items));
  /** This worker's answered rows whose replies are out, per chat, until they are let go. */
  private readonly answered = new Map<string, { chatId: bigint | null; rowIds: string[] }>();
  private releaseTimer: NodeJS.Timeout | null = null;
  private releasing: Promise<void> = Promise.resolve();
  /** Hears of a chat's next update claimed while answered rows were let go (stored by another process meanwhile). */
  onClaimed: (chatId: bigint | null, claim: Claim) => void = () => undefined;

  constructor(
    private readonly scope: TenantScope,
    private readonly tenantId: string,
    private readonly botId: string,
  ) {}

  // ---------------------------------------------------------------- conditions

  private a(alias: string): Prisma.Sql {
    return Prisma.raw(`"${alias}"`);
  }

  private ofChat(chatId: bigint | null, alias = "BotUpdate"): Prisma.Sql {
    const a = this.a(alias);
    const chat = chatId === null ? Prisma.sql`${a}."chatId" IS NULL` : Prisma.sql`${a}."chatId" = ${chatId}::bigint`;
    return Prisma.sql`${a}."tenantId" = ${this.tenantId} AND ${a}."botId" = ${this.botId} AND ${chat}`;
  }

  /** Still to process: not done, not given up on, with a payload (rows from before payloads were kept have none). */
  private toProcess(alias = "BotUpdate"): Prisma.Sql {
    const a = this.a(alias);
    return Prisma.sql`${a}."processedAt" IS NULL AND ${a}.attempts < ${MAX_UPDATE_ATTEMPTS}::int AND ${a}.payload IS NOT NULL`;
  }

  private live(now: Date): Date {
    return new Date(now.getTime() - STALE_CLAIM_MS);
  }

  /** Never claimed, or claimed by a worker that died. */
  private unclaimed(now: Date, alias = "BotUpdate"): Prisma.Sql {
    const a = this.a(alias);
    return Prisma.sql`(${a}."claimedAt" IS NULL OR ${a}."claimedAt" < ${this.live(now)}::timestamp(3))`;
  }

  /** No other row of the chat is held by a live worker (to process and claimed, or answered and its replies going out). */
  private notHeld(chatId: bigint | null, now: Date, except: Prisma.Sql): Prisma.Sql {
    return Prisma.sql`NOT EXISTS (SELECT 1 FROM "BotUpdate" h WHERE ${this.ofChat(chatId, "h")} AND h."processedAt" IS NULL
      AND h."claimedAt" >= ${this.live(now)}::timestamp(3) AND ${except})`;
  }

  private ids(ids: readonly string[]): Prisma.Sql {
    return Prisma.sql`${[...ids]}::text[]`;
  }

  // ---------------------------------------------------------------- the usual path

  /**
   * Writes the update once (a redelivery of the same update_id writes nothing: null). With
   * `claim`, it is claimed for this worker at once when its chat has nothing else to
   * process and is not held — the usual case — and the claim is returned.
   */
  store(updateId: number, chatId: bigint | null, payload: unknown, claim: boolean): Promise<{ claim: Claim | null } | null> {
    const release = this.takeAnswered(chatId);
    const stored = this.storing.submit({ updateId, chatId, payload, claim, release });
    stored.catch(() => this.giveBack(chatId, release));
    return stored;
  }

  private async storeGroup(items: ToStore[]): Promise<({ claim: Claim | null } | null)[]> {
    const now = new Date();
    const release = items.flatMap((i) => i.release);
    const rows = await this.scope.db.$queryRaw<{ updateId: bigint; id: string; claimedAt: Date | null }[]>`
      WITH released AS (
        UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL
        WHERE "tenantId" = ${this.tenantId} AND id = ANY(${this.ids(release)}) AND "processedAt" IS NULL
      )
      INSERT INTO "BotUpdate" ("tenantId", id, "botId", "updateId", "chatId", payload, "receivedAt", "claimedAt", attempts)
      SELECT ${this.tenantId}, u.id, ${this.botId}, u."updateId", u."chatId", u.payload, ${now}::timestamp(3),
             CASE WHEN c.take THEN ${now}::timestamp(3) END, CASE WHEN c.take THEN 1 ELSE 0 END
      FROM unnest(${items.map(() => randomUUID())}::text[], ${items.map((i) => String(i.updateId))}::bigint[],
                  ${items.map((i) => (i.chatId === null ? null : String(i.chatId)))}::bigint[], ${items.map((i) => JSON.stringify(i.payload))}::jsonb[],
                  ${items.map((i) => i.claim)}::boolean[]) AS u(id, "updateId", "chatId", payload, claim)
      CROSS JOIN LATERAL (
        SELECT u.claim AND NOT EXISTS (
          SELECT 1 FROM "BotUpdate" b
          WHERE b."tenantId" = ${this.tenantId} AND b."botId" = ${this.botId} AND b."chatId" IS NOT DISTINCT FROM u."chatId"
            AND b."processedAt" IS NULL AND NOT (b.id = ANY(${this.ids(release)}))
            AND ((b.attempts < ${MAX_UPDATE_ATTEMPTS}::int AND b.payload IS NOT NULL) OR b."claimedAt" >= ${this.live(now)}::timestamp(3))
        ) AS take
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

  /**
   * Stores the update as the first statement of its turn's transaction (the intake and the
   * confirmation in one): claimed and marked answered at once when its chat has nothing
   * else to process and is not held; otherwise stored to wait. Null for a redelivery
   * (nothing stored). It all commits or rolls back with the turn.
   */
  async storeAnswered(tx: Sql, chatId: bigint, updateId: number, payload: unknown, release: readonly string[]): Promise<{ claim: Claim | null } | null> {
    const now = new Date();
    const rows = await tx.$queryRaw<{ id: string; claimedAt: Date | null }[]>`
      WITH released AS (
        UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL
        WHERE "tenantId" = ${this.tenantId} AND id = ANY(${this.ids(release)}) AND "processedAt" IS NULL
      ), c AS (
        SELECT NOT EXISTS (
          SELECT 1 FROM "BotUpdate" b WHERE ${this.ofChat(chatId, "b")} AND b."processedAt" IS NULL AND NOT (b.id = ANY(${this.ids(release)}))
            AND ((b.attempts < ${MAX_UPDATE_ATTEMPTS}::int AND b.payload IS NOT NULL) OR b."claimedAt" >= ${this.live(now)}::timestamp(3))
        ) AS take
      )
      INSERT INTO "BotUpdate" ("tenantId", id, "botId", "updateId", "chatId", payload, "receivedAt", "claimedAt", attempts)
      SELECT ${this.tenantId}, ${randomUUID()}, ${this.botId}, ${BigInt(updateId)}::bigint, ${chatId}::bigint,
             CASE WHEN c.take THEN NULL ELSE ${JSON.stringify(payload)}::jsonb END, ${now}::timestamp(3),
             CASE WHEN c.take THEN ${now}::timestamp(3) END, CASE WHEN c.take THEN 1 ELSE 0 END
      FROM c
      ON CONFLICT ("tenantId", "botId", "updateId") DO NOTHING
      RETURNING id, "claimedAt"`;
    const row = rows[0];
    if (!row) return null;
    return { claim: row.claimedAt ? { id: row.id, updateId: BigInt(updateId), token: row.claimedAt } : null };
  }

  /**
   * At the start of a turn, in its transaction: marks the update answered and returns its
   * payload, if the claim is still this worker's, no older update of the chat is waiting
   * (another process stored one at the same moment: it goes first) and no other worker
   * holds the chat. Null otherwise. The mark commits with the turn's work, or rolls back
   * with it; a turn whose work goes on after its transaction (the LLM's) takes it back
   * (`keepToProcess`).
   */
  async confirm(tx: Sql, chatId: bigint | null, claim: Claim, release: readonly string[]): Promise<unknown> {
    const now = new Date();
    const rows = await tx.$queryRaw<{ payload: unknown }[]>`
      WITH released AS (
        UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL
        WHERE "tenantId" = ${this.tenantId} AND id = ANY(${this.ids(release)}) AND "processedAt" IS NULL
      ), old AS (
        SELECT id, payload FROM "BotUpdate" WHERE "tenantId" = ${this.tenantId} AND id = ${claim.id} FOR UPDATE
      )
      UPDATE "BotUpdate" SET "claimedAt" = ${now}::timestamp(3), payload = NULL
      FROM old
      WHERE "BotUpdate"."tenantId" = ${this.tenantId} AND "BotUpdate".id = old.id AND "BotUpdate"."claimedAt" = ${claim.token}::timestamp(3)
        AND ${this.toProcess()}
        AND NOT EXISTS (SELECT 1 FROM "BotUpdate" e WHERE ${this.ofChat(chatId, "e")} AND ${this.toProcess("e")} AND e."updateId" < ${claim.updateId}::bigint)
        AND ${this.notHeld(chatId, now, Prisma.sql`h.id <> ${claim.id} AND NOT (h.id = ANY(${this.ids(release)}))`)}
      RETURNING old.payload`;
    return rows.length ? (rows[0]!.payload ?? null) : null;
  }

  /** Takes back the answered mark of `confirm` before the turn's transaction commits: its work goes on after it. */
  async keepToProcess(tx: Sql, claim: Claim, payload: unknown): Promise<void> {
    await tx.$queryRaw`UPDATE "BotUpdate" SET payload = ${JSON.stringify(payload)}::jsonb WHERE "tenantId" = ${this.tenantId} AND id = ${claim.id} RETURNING id`;
  }

  /** The turn's replies are out: the answered row is let go with the next statement about its chat, or soon with others'. */
  repliesSent(chatId: bigint | null, claim: Claim): void {
    const key = chatKey(chatId);
    const entry = this.answered.get(key) ?? { chatId, rowIds: [] };
    entry.rowIds.push(claim.id);
    this.answered.set(key, entry);
    this.releaseTimer ??= setTimeout(() => void this.releaseAnswered(), RELEASE_AFTER_MS);
    this.releaseTimer.unref?.();
  }

  /** Lets go of every answered row now (the timer, shutdown, tests); the chats' next updates claimed meanwhile go to `onClaimed`. */
  releaseAnswered(): Promise<void> {
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    const entries = [...this.answered.values()];
    this.answered.clear();
    const run = async () => {
      await Promise.all(
        entries.flatMap(({ chatId, rowIds }) =>
          rowIds.map(async (rowId) => {
            const next = await this.finishAndClaimNext(chatId, rowId).catch(() => {
              this.giveBack(chatId, [rowId]);
              return null;
            });
            if (next) this.onClaimed(chatId, next);
          }),
        ),
      );
    };
    this.releasing = this.releasing.then(run, run);
    return this.releasing;
  }

  /** This worker's answered rows of the chat, to be let go by the caller's statement (`giveBack` if it fails). */
  takeAnswered(chatId: bigint | null): string[] {
    const key = chatKey(chatId);
    const entry = this.answered.get(key);
    if (!entry) return [];
    this.answered.delete(key);
    return entry.rowIds;
  }

  /** A statement that was to let them go failed (or rolled back): they wait for the next one. */
  giveBack(chatId: bigint | null, rowIds: string[]): void {
    if (!rowIds.length) return;
    const key = chatKey(chatId);
    const entry = this.answered.get(key) ?? { chatId, rowIds: [] };
    entry.rowIds.push(...rowIds);
    this.answered.set(key, entry);
    this.releaseTimer ??= setTimeout(() => void this.releaseAnswered(), RELEASE_AFTER_MS);
    this.releaseTimer.unref?.();
  }

  // ---------------------------------------------------------------- other paths

  /** Claims the chat's oldest update still to process, if the chat is not held by another worker (its own transaction). */
  async claimHead(chatId: bigint | null): Promise<Claim | null> {
    const now = new Date();
    const release = this.takeAnswered(chatId);
    try {
      const rows = await this.scope.db.$queryRaw<ClaimRow[]>`
        WITH released AS (
          UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL
          WHERE "tenantId" = ${this.tenantId} AND id = ANY(${this.ids(release)}) AND "processedAt" IS NULL
        ), head AS (
          SELECT id FROM "BotUpdate" WHERE ${this.ofChat(chatId)} AND ${this.toProcess()} ORDER BY "updateId" LIMIT 1
        )
        UPDATE "BotUpdate" SET "claimedAt" = ${now}::timestamp(3), attempts = attempts + 1
        FROM head
        WHERE "BotUpdate"."tenantId" = ${this.tenantId} AND "BotUpdate".id = head.id AND ${this.toProcess()} AND ${this.unclaimed(now)}
          AND ${this.notHeld(chatId, now, Prisma.sql`h.id <> head.id AND NOT (h.id = ANY(${this.ids(release)}))`)}
        RETURNING "BotUpdate".id, "BotUpdate"."updateId", "BotUpdate"."claimedAt"`;
      return claimOf(rows[0]);
    } catch (err) {
      this.giveBack(chatId, release);
      throw err;
    }
  }

  /**
   * Marks the update done (the payload is dropped, the row stays to recognise a
   * redelivery) and claims the chat's next update, if one is waiting and the chat is not
   * held by another worker: one statement, in `tx` (a turn's transaction) or together with
   * other chats'. For turns whose work went on after their transaction (the LLM's), turns
   * run again the classic way, and answered rows let go.
   */
  finishAndClaimNext(chatId: bigint | null, rowId: string, tx?: Sql): Promise<Claim | null> {
    if (tx || chatId === null) return this.finishOne(tx ?? this.scope.db, chatId, rowId);
    return this.finishing.submit({ chatId, rowId });
  }

  private async finishOne(db: Sql, chatId: bigint | null, rowId: string): Promise<Claim | null> {
    const now = new Date();
    const rows = await db.$queryRaw<ClaimRow[]>`
      WITH done AS (
        UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL, payload = NULL
        WHERE "tenantId" = ${this.tenantId} AND id = ${rowId}
      ), head AS (
        SELECT id FROM "BotUpdate" WHERE ${this.ofChat(chatId)} AND ${this.toProcess()} AND id <> ${rowId} ORDER BY "updateId" LIMIT 1
      )
      UPDATE "BotUpdate" SET "claimedAt" = ${now}::timestamp(3), attempts = attempts + 1
      FROM head
      WHERE "BotUpdate"."tenantId" = ${this.tenantId} AND "BotUpdate".id = head.id AND ${this.toProcess()} AND ${this.unclaimed(now)}
        AND ${this.notHeld(chatId, now, Prisma.sql`h.id <> head.id AND h.id <> ${rowId}`)}
      RETURNING "BotUpdate".id, "BotUpdate"."updateId", "BotUpdate"."claimedAt"`;
    return claimOf(rows[0]);
  }

  private async finishGroup(items: ToFinish[]): Promise<(Claim | null)[]> {
    const now = new Date();
    const done = items.map((i) => i.rowId);
    const rows = await this.scope.db.$queryRaw<(ClaimRow & { chatId: bigint })[]>`
      WITH done AS (
        UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL, payload = NULL
        WHERE "tenantId" = ${this.tenantId} AND id = ANY(${this.ids(done)})
      ), heads AS (
        SELECT DISTINCT ON ("chatId") id, "chatId" FROM "BotUpdate" n
        WHERE n."tenantId" = ${this.tenantId} AND n."botId" = ${this.botId} AND n."chatId" = ANY(${items.map((i) => String(i.chatId))}::bigint[])
          AND ${this.toProcess("n")} AND NOT (n.id = ANY(${this.ids(done)}))
        ORDER BY "chatId", "updateId"
      )
      UPDATE "BotUpdate" SET "claimedAt" = ${now}::timestamp(3), attempts = attempts + 1
      FROM heads
      WHERE "BotUpdate"."tenantId" = ${this.tenantId} AND "BotUpdate".id = heads.id AND ${this.toProcess()} AND ${this.unclaimed(now)}
        AND NOT EXISTS (SELECT 1 FROM "BotUpdate" h WHERE h."tenantId" = ${this.tenantId} AND h."botId" = ${this.botId} AND h."chatId" = heads."chatId"
          AND h."processedAt" IS NULL AND h."claimedAt" >= ${this.live(now)}::timestamp(3) AND h.id <> heads.id AND NOT (h.id = ANY(${this.ids(done)})))
      RETURNING "BotUpdate".id, "BotUpdate"."chatId", "BotUpdate"."updateId", "BotUpdate"."claimedAt"`;
    const next = new Map(rows.map((r) => [r.chatId, claimOf(r)]));
    return items.map((i) => {
      const claim = next.get(i.chatId) ?? null;
      // Two rows of one chat in one group (answered rows let go together): the claim goes out once.
      next.delete(i.chatId);
      return claim;
    });
  }

  /** Keeps a claim fresh while a long turn runs (the LLM may take a while) and while its replies go out. */
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

  // ---------------------------------------------------------------- upkeep

  /**
   * Chats with updates to process that no live worker holds (a crash, a database outage);
   * answered rows whose worker died before letting them go are marked done.
   */
  async chatsToTakeUp(): Promise<(bigint | null)[]> {
    const now = new Date();
    await this.scope.db.$executeRaw`
      UPDATE "BotUpdate" SET "processedAt" = ${now}::timestamp(3), "claimedAt" = NULL
      WHERE "tenantId" = ${this.tenantId} AND "botId" = ${this.botId} AND "processedAt" IS NULL AND payload IS NULL AND ${this.unclaimed(now)}`;
    const rows = await this.scope.db.$queryRaw<{ chatId: bigint | null }[]>`
      SELECT DISTINCT "chatId" FROM "BotUpdate"
      WHERE "tenantId" = ${this.tenantId} AND "botId" = ${this.botId} AND ${this.toProcess()} AND ${this.unclaimed(now)}
      LIMIT 500`;
    return rows.map((r) => r.chatId);
  }

  /**
   * Done updates are kept only as long as Telegram may deliver them again (it gives up
   * after 24 hours): the table does not grow with every message.
   */
  async forgetProcessed(): Promise<void> {
    await this.scope.db.$executeRaw`
      DELETE FROM "BotUpdate" WHERE "tenantId" = ${this.tenantId} AND "botId" = ${this.botId}
        AND "processedAt" < ${new Date(Date.now() - PROCESSED_UPDATE_KEEP_MS)}::timestamp(3)`;
  }
}
