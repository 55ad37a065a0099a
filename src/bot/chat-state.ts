// The state of one chat with one bot (BotChat): whether the customer was asked to
// describe a new case, how many answers in a row did not help, and the last turns
// of the conversation (what the LLM reads to understand "yes, please do that").
import type { BotChat } from "../generated/prisma/index.js";
import type { TenantDeps } from "../domain/deps.js";
import type { ChatTurn } from "./assistant/types.js";
import { clip } from "./clean-text.js";

export interface ChatState {
  awaitingCase?: boolean;
  history?: ChatTurn[];
}

const HISTORY_TURNS = 10;
const HISTORY_CHARS = 1_000;

export class ChatStore {
  constructor(
    private readonly deps: TenantDeps,
    private readonly botId: string,
  ) {}

  /** The same store acting through other deps (a turn's transaction). */
  within(deps: TenantDeps): ChatStore {
    return new ChatStore(deps, this.botId);
  }

  private key(chatId: number) {
    return { tenantId_botId_chatId: { tenantId: this.deps.tenant.id, botId: this.botId, chatId: BigInt(chatId) } };
  }

  /** The chat's row, created on first contact; the contact and language are kept current. */
  async open(chatId: number, contactId: string | null, language?: string): Promise<BotChat & { stateData: ChatState }> {
    const row = await this.deps.scope.db.botChat.upsert({
      where: this.key(chatId),
      create: { tenantId: this.deps.tenant.id, botId: this.botId, chatId: BigInt(chatId), contactId, language: language ?? null },
      update: { contactId, ...(language ? { language } : {}) },
    });
    return { ...row, stateData: (row.state ?? {}) as ChatState };
  }

  async setAwaitingCase(chatId: number, state: ChatState, awaiting: boolean): Promise<void> {
    await this.save(chatId, { ...state, awaitingCase: awaiting });
  }

  /** Remembers a turn (customer's words and the desk's reply), keeping the last few. */
  async remember(chatId: number, state: ChatState, user: string, assistant: string): Promise<void> {
    await this.save(chatId, withTurn(state, user, assistant));
  }

  /**
   * Remembers an answer and counts whether it helped, in one statement: an answer breaks
   * the run of answers that did not help, one that did not help adds to it. Returns the
   * run's length now.
   */
  async answered(chatId: number, state: ChatState, user: string, assistant: string, helped: boolean): Promise<number> {
    const row = await this.deps.scope.db.botChat.update({
      where: this.key(chatId),
      data: { state: withTurn(state, user, assistant) as object, unhelpfulCount: helped ? 0 : { increment: 1 } },
      select: { unhelpfulCount: true },
    });
    return row.unhelpfulCount;
  }

  /** Counts an answer that did not help; returns the count now. */
  async unhelpful(chatId: number): Promise<number> {
    const row = await this.deps.scope.db.botChat.update({ where: this.key(chatId), data: { unhelpfulCount: { increment: 1 } } });
    return row.unhelpfulCount;
  }

  async resetUnhelpful(chatId: number): Promise<void> {
    await this.deps.scope.db.botChat.updateMany({ where: { botId: this.botId, chatId: BigInt(chatId) }, data: { unhelpfulCount: 0 } });
  }

  private async save(chatId: number, state: ChatState): Promise<void> {
    await this.deps.scope.db.botChat.update({ where: this.key(chatId), data: { state: state as object }, select: { id: true } });
  }
}

function withTurn(state: ChatState, user: string, assistant: string): ChatState {
  const history = [...(state.history ?? []), { role: "user" as const, text: clip(user, HISTORY_CHARS) }, { role: "assistant" as const, text: clip(assistant, HISTORY_CHARS) }];
  return { ...state, awaitingCase: false, history: history.slice(-HISTORY_TURNS) };
}
