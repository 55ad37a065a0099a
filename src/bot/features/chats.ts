// Which chats the desk serves. Private chats go on to the other features. Groups
// are served only when the tenant enables them, and then only when someone
// addresses the bot (a command or a mention), with knowledge-base answers only:
// cases are private, so they are never opened, shown or discussed in a group.
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext } from "../context.js";
import { cleanText, clip } from "../clean-text.js";
import { confidentHit, excerpt } from "../assistant/article-index.js";

export const chatsFeature = new Composer<BotContext>();

chatsFeature.use(async (ctx, next) => {
  const type = ctx.chat?.type;
  // Private chats, and updates without a chat (nothing the desk answers; `unhandled` ignores them).
  if (!type || type === "private") return next();
  const { desk } = ctx;
  const username = desk.bot.username;
  if (ctx.callbackQuery) return ctx.answerCallbackQuery();
  const message = ctx.message;
  // Edits, joins, pins and channel posts in groups: deliberately ignored.
  if (!message || type === "channel") return;
  const address = addressed(message, username);
  if (!address) return;
  if (!desk.deps.tenant.settings.bot.groupsEnabled) return ctx.reply(desk.t.groupsOff(username), replyTo(message));
  if (address.command) {
    const text = address.command === "start" || address.command === "help" ? desk.t.groupHelp(username) : desk.t.privateOnly(username);
    return ctx.reply(text, replyTo(message));
  }
  const question = cleanText(address.text);
  const hit = question.trim() ? confidentHit((await desk.frontDesk.articles()).query(question)) : null;
  await desk.frontDesk.audit("assistant.turn", { type: "TelegramChat", id: String(ctx.chat.id) }, { by: "offline", group: true, question: clip(question, 2_000), cited: hit?.title ?? null });
  return ctx.reply(hit ? desk.t.answer(hit.title, excerpt(hit.body)) : desk.t.groupNotFound(username), replyTo(message));
});

function replyTo(message: Message) {
  return { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } };
}

/** A command for this bot, a mention of it, or a reply to it; null when the group is not talking to the bot. */
function addressed(message: Message, username: string): { command?: string; text: string } | null {
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  const me = `@${username}`.toLowerCase();
  const command = entities.find((e) => e.type === "bot_command" && e.offset === 0);
  if (command) {
    const [name, target] = text.slice(1, command.length).split("@");
    if (target && `@${target}`.toLowerCase() !== me) return null;
    return { command: name!.toLowerCase(), text: text.slice(command.length).trim() };
  }
  const mention = entities.find((e) => e.type === "mention" && text.slice(e.offset, e.offset + e.length).toLowerCase() === me);
  if (mention) return { text: (text.slice(0, mention.offset) + text.slice(mention.offset + mention.length)).trim() };
  if (message.reply_to_message?.from?.username?.toLowerCase() === username.toLowerCase()) return { text };
  return null;
}
