// One grammY Bot per tenant token, all sharing the same features.
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, Composer } from "grammy";
import type { TenantDeps } from "../domain/deps.js";
import type { Logger } from "../logger.js";
import type { ConnectedBot } from "../tenants/bots.js";
import type { Assistant } from "./assistant/types.js";
import type { BotContext } from "./context.js";
import { commandsFeature } from "./features/commands.js";
import { conversationFeature } from "./features/conversation.js";
import { ratingFeature } from "./features/rating.js";
import { unhandledFeature } from "./features/unhandled.js";
import { texts } from "./texts.js";

export interface BotDeps {
  bot: ConnectedBot;
  deps: TenantDeps;
  assistants: { llm: Assistant | null; offline: Assistant };
  logger: Logger;
  apiRoot: string;
}

export function createBot(token: string, d: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    client: { apiRoot: d.apiRoot },
    botInfo: {
      id: Number(d.bot.telegramId),
      is_bot: true,
      first_name: d.bot.username,
      username: d.bot.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    } as never,
  });
  // 429 (with retry_after) and 5xx from the Bot API are retried, a bounded number of times.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));

  bot.use((ctx, next) => {
    ctx.desk = { bot: d.bot, deps: d.deps, assistants: d.assistants, logger: d.logger };
    return next();
  });

  const guarded = new Composer<BotContext>();
  // 1. Private chats only, unless the tenant enabled groups.
  guarded.use((ctx, next) => (ctx.chat && ctx.chat.type !== "private" && !d.deps.tenant.settings.bot.groupsEnabled ? undefined : next()));
  // 2. Commands, 3. buttons, 4. free text, 5. everything else.
  guarded.use(commandsFeature, ratingFeature, conversationFeature, unhandledFeature);
  bot.use(guarded);

  // The error boundary: log, tell the customer, never crash or lose the process.
  bot.catch(async (err) => {
    d.logger.error({ tenantId: d.deps.tenant.id, botId: d.bot.id, updateId: err.ctx.update.update_id, err: err.error }, "bot update failed");
    if (err.ctx.callbackQuery) await err.ctx.answerCallbackQuery().catch(() => undefined);
    if (err.ctx.chat?.type === "private") await err.ctx.reply(texts(d.deps.tenant.settings.locale).error).catch(() => undefined);
  });
  return bot;
}
