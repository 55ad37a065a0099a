// One grammY Bot per tenant token, all sharing the same features. The desk (the
// tenant, its front desk and chat state) is looked up per update, so a tenant's
// changed settings reach its bot without a restart.
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, Composer } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../logger.js";
import type { BotIdentity } from "../tenants/bots.js";
import type { BotContext, Desk } from "./context.js";
import { chatsFeature } from "./features/chats.js";
import { commandsFeature } from "./features/commands.js";
import { conversationFeature } from "./features/conversation.js";
import { ratingFeature } from "./features/rating.js";
import { unhandledFeature } from "./features/unhandled.js";

export interface BotDeps {
  identity: BotIdentity;
  /** The desk for this update: its turn's (see turns.ts), with the tenant refreshed now and then. */
  desk(update: Update): Desk;
  logger: Logger;
  apiRoot: string;
  /**
   * Errors the boundary must not swallow: a database outage (the update is kept and
   * processed again later), a turn to be run again (see turn-transaction.ts).
   */
  rethrows(err: unknown): boolean;
}

export function createBot(token: string, d: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    // A request that hangs is abandoned (long polling waits 25 s on its own, so more than that).
    client: { apiRoot: d.apiRoot, timeoutSeconds: 40 },
    // Known from getMe at connect time: no getMe call on every start.
    botInfo: {
      id: Number(d.identity.telegramId),
      is_bot: true,
      first_name: d.identity.username,
      username: d.identity.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    } as never,
  });
  // 429 (with retry_after) and 5xx from the Bot API are retried, a bounded number of times.
  // Network errors are not (the plugin would retry them forever, holding the chat's turn):
  // a reply that cannot reach Telegram fails, and the outbox tries its delivery again later.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true }));

  bot.use((ctx, next) => {
    ctx.desk = d.desk(ctx.update);
    const before = ctx.desk.beforeSending;
    if (before) ctx.api.config.use(async (prev, method, payload, signal) => (await before(), prev(method, payload, signal)));
    return next();
  });

  const features = new Composer<BotContext>();
  // 1. Groups and channels: answered only when the tenant enables them, never with case data.
  features.use(chatsFeature);
  // 2. Commands (/start, /help, /new, /status, /human).
  features.use(commandsFeature);
  // 3. Buttons: ratings and "did this help?".
  features.use(ratingFeature);
  // 4. Free text: the assistant.
  features.use(conversationFeature);
  // 5. Everything else (media, edits, service messages): a clear reply or deliberately nothing.
  features.use(unhandledFeature);

  // The error boundary around every feature (grammY's `bot.catch` serves only `bot.start`,
  // and updates here go through `handleUpdate`): log, tell the customer, and let the update
  // count as handled, so its work is not done twice. A database outage is rethrown instead:
  // the update is kept and processed again once the database answers; so is a turn whose
  // transaction failed before anything was committed or sent (it runs again at once).
  bot.errorBoundary(async (err) => {
    const { ctx } = err;
    if (d.rethrows(err.error)) throw err.error;
    d.logger.error({ tenantId: d.identity.tenantId, botId: d.identity.id, updateId: ctx.update.update_id, err: err.error }, "bot update failed");
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    else if (ctx.chat?.type === "private" && ctx.message) await ctx.reply(ctx.desk.t.error).catch(() => undefined);
  }, features);
  return bot;
}
