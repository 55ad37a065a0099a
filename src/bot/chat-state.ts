// The state of one chat with one bot (BotChat): whether the customer was asked to
// describe a new case, how many answers in a row did not help, and the last turns
// of the conversation (what the LLM reads to understand "yes, please do that").
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/index.js";
import type { TenantDeps } from "../domain/deps.js";
import type { ChatTurn } from "./assistant/types.js";
import { clip } from "./clean-text.js";

export interface ChatState {
  awaitingCase?: boolean;
  history?: ChatTurn[];
}

const HISTORY_TURNS = 10;
const HISTORY_CHARS = 1_000;

/**
 * Every message reads and writes its chat's row, so these are SQL statements of their own
 * (cheaper than Prisma's model queries, see domain/rows.ts), with the tenant condition,
 * under the tenant's scope like every other statement.
 */
export class ChatStore {
  constructor(
    private readonly deps: TenantDeps,
    private readonly botId: string,
  ) {}

  /** The same store acting through other deps (a turn's transaction). */
  within(deps: TenantDeps): ChatStore {
    return new ChatStore(deps, this.botId);
  }

  private where(chatId: number): Prisma.Sql {
    return Prisma.sql`"tenantId" = ${this.deps.tenant.id} AND "botId" = ${this.botId} AND "chatId" = ${BigInt(chatId)}::bigint`;
  }

  /** The chat's state, its row created on first contact; the contact and language are kept current. */
  async open(chatId: number, contactId: string | null, language?: string): Promise<{ stateData: ChatState }> {
    const now = new Date();
    const [row] = await this.deps.scope.db.$queryRaw<{ state: ChatState | null }[]>`
      INSERT INTO "BotChat" ("tenantId", id, "botId", "chatId", "contactId", language, "unhelpfulCount", state, "createdAt", "updatedAt")
      VALUES (${this.deps.tenant.id}, ${randomUUID()}, ${this.botId}, ${BigInt(chatId)}::bigint, ${contactId}, ${language ?? null}, 0, '{}'::jsonb, ${now}::timestamp(3), ${now}::timestamp(3))
      ON CONFLICT ("tenantId", "botId", "chatId") DO UPDATE
        SET "contactId" = EXCLUDED."contactId", language = COALESCE(EXCLUDED.language, "BotChat".language), "updatedAt" = EXCLUDED."updatedAt"
      RETURNING state`;
    return { stateData: row?.state ?? {} };
  }

  async setAwaitingCase(chatId: number, state: ChatState, awaiting: boolean): Promise<void> {
    await this.update(chatId, Prisma.sql`state = ${JSON.stringify({ ...state, awaitingCase: awaiting })}::jsonb`);
  }

  /** Remembers a turn (customer's words and the desk's reply), keeping the last few. */
  async remember(chatId: number, state: ChatState, user: string, assistant: string): Promise<void> {
    await this.update(chatId, Prisma.sql`state = ${JSON.stringify(withTurn(state, user, assistant))}::jsonb`);
  }

  /**
   * Remembers an answer and counts whether it helped, in one statement: an answer breaks
   * the run of answers that did not help, one that did not help adds to it. Returns the
   * run's length now.
   */
  answered(chatId: number, state: ChatState, user: string, assistant: string, helped: boolean): Promise<number> {
    const count = helped ? Prisma.sql`0` : Prisma.sql`"unhelpfulCount" + 1`;
    return this.update(chatId, Prisma.sql`state = ${JSON.stringify(withTurn(state, user, assistant))}::jsonb, "unhelpfulCount" = ${count}`);
  }

  /** Counts an answer that did not help; returns the count now. */
  unhelpful(chatId: number): Promise<number> {
    return this.update(chatId, Prisma.sql`"unhelpfulCount" = "unhelpfulCount" + 1`);
  }

  async resetUnhelpful(chatId: number): Promise<void> {
    await this.update(chatId, Prisma.sql`"unhelpfulCount" = 0`);
  }

  /** Changes the chat's row; the count of answers in a row that did not help, after the change (0 without a row). */
  private async update(chatId: number, set: Prisma.Sql): Promise<number> {
    const [row] = await this.deps.scope.db.$queryRaw<{ unhelpfulCount: number }[]>`
      UPDATE "BotChat" SET ${set}, "updatedAt" = ${new Date()}::timestamp(3) WHERE ${this.where(chatId)} RETURNING "unhelpfulCount"`;
    return row?.unhelpfulCount ?? 0;
  }
}

function withTurn(state: ChatState, user: string, assistant: string): ChatState {
  const history = [...(state.history ?? []), { role: "user" as const, text: clip(user, HISTORY_CHARS) }, { role: "assistant" as const, text: clip(assistant, HISTORY_CHARS) }];
  return { ...state, awaitingCase: false, history: history.slice(-HISTORY_TURNS) };
}
