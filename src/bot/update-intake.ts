// Updates in: by webhook (the registry checks the secret) or by long polling. Each
// update is written to BotUpdate before it is acknowledged, so a redelivery is
// recognised by its update_id and an acknowledged update survives a crash; then its
// chat's turn is queued.
import type { Update } from "grammy/types";
import type { Logger } from "../logger.js";
import { cleanJson } from "./clean-text.js";
import type { TenantBot } from "./tenant-bot.js";
import type { ChatTurns } from "./turns.js";

/** What Telegram sends us; anything else is not asked for. */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query"] as const;

export class UpdateIntake {
  constructor(
    private readonly turns: ChatTurns,
    private readonly logger: Logger,
  ) {}

  /**
   * Stores the update (once: a redelivery is recognised by its update_id and stores
   * nothing) and queues its chat; resolves once it is stored. When the chat has nothing
   * going on in this process, the update is stored by the first statement of its turn's
   * transaction, which commits before the turn's first reply. Otherwise it is stored on its
   * own (together with other updates arriving at once) — claimed for this process in the
   * same statement when nothing else of the chat is waiting — and its chat's turn queued.
   */
  async receive(r: TenantBot, update: Update): Promise<void> {
    const chatId = chatOf(update);
    // The usual case, a chat with nothing going on here: stored by its turn's transaction.
    if (chatId !== null && (await this.turns.storeAndTurn(r, chatId, update)) === "stored") return;
    const claim = this.turns.idle(r, chatId);
    const stored = await this.turns.whileStoring(r, chatId, r.claims.store(update.update_id, chatId, cleanJson(update), claim));
    if (stored) this.turns.queue(r, chatId, stored.claim);
  }

  /** Long polling (development): getUpdates, each update stored before the offset moves past it. */
  async poll(r: TenantBot, signal: AbortSignal): Promise<void> {
    let offset = 0;
    await r.bot.api.deleteWebhook().catch(() => undefined);
    while (!signal.aborted) {
      try {
        // grammY types the signal with its polyfill's AbortSignal; Node's own is what it uses at run time.
        const updates = await r.bot.api.getUpdates({ offset, timeout: 25, allowed_updates: [...ALLOWED_UPDATES] }, signal as never);
        for (const u of updates) {
          await this.receive(r, u);
          offset = u.update_id + 1;
        }
      } catch (err) {
        if (signal.aborted) return;
        this.logger.warn({ botId: r.info.id, err: (err as Error).message }, "polling failed; retrying");
        await new Promise((res) => setTimeout(res, 3_000).unref());
      }
    }
  }
}

export function isUpdate(body: unknown): body is Update {
  const id = (body as { update_id?: unknown } | null)?.update_id;
  return typeof id === "number" && Number.isSafeInteger(id) && id >= 0;
}

/** The chat an update belongs to: its updates are processed one at a time, in order. */
export function chatOf(update: Update): bigint | null {
  const id = update.message?.chat.id ?? update.edited_message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.callback_query?.from.id;
  return id === undefined ? null : BigInt(id);
}
