// Free text: the assistant answers from the knowledge base or acts on the case;
// two answers that did not help bring a person in.
import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.js";
import { answer, contactFor, toolsFor } from "../front-desk.js";
import { sendLong } from "../send.js";
import { texts } from "../texts.js";
import { customerOf } from "./customer.js";

export const conversationFeature = new Composer<BotContext>();

/** After this many answers that did not help, the case goes to a person. */
export const UNHELPFUL_LIMIT = 2;

async function chatState(ctx: BotContext, contactId: string) {
  const { deps, bot } = ctx.desk;
  return deps.scope.db.botChat.upsert({
    where: { tenantId_botId_chatId: { tenantId: deps.tenant.id, botId: bot.id, chatId: BigInt(ctx.chat!.id) } },
    create: { tenantId: deps.tenant.id, botId: bot.id, chatId: BigInt(ctx.chat!.id), contactId },
    update: { contactId },
  });
}

export async function noteUnhelpful(ctx: BotContext, contactId: string): Promise<boolean> {
  const { deps, bot } = ctx.desk;
  const chat = await deps.scope.db.botChat.update({
    where: { tenantId_botId_chatId: { tenantId: deps.tenant.id, botId: bot.id, chatId: BigInt(ctx.chat!.id) } },
    data: { unhelpfulCount: { increment: 1 } },
  });
  void contactId;
  return chat.unhelpfulCount >= UNHELPFUL_LIMIT;
}

export async function handOver(ctx: BotContext, contactId: string, reason: string): Promise<void> {
  const { deps, bot } = ctx.desk;
  const t = texts(deps.tenant.settings.locale);
  const contact = (await deps.scope.db.contact.findFirst({ where: { id: contactId } }))!;
  const { ticket } = await toolsFor(deps, contact).requestHuman(reason);
  await deps.scope.db.botChat.update({
    where: { tenantId_botId_chatId: { tenantId: deps.tenant.id, botId: bot.id, chatId: BigInt(ctx.chat!.id) } },
    data: { unhelpfulCount: 0 },
  });
  await ctx.reply(t.humanRequested(ticket.number));
}

conversationFeature.on("message:text", async (ctx) => {
  const { deps, assistants, logger } = ctx.desk;
  const t = texts(deps.tenant.settings.locale);
  const text = ctx.message.text.slice(0, 20_000);
  const contact = await contactFor(deps, customerOf(ctx));
  const chat = await chatState(ctx, contact.id);
  if ((chat.state as { awaitingCase?: boolean }).awaitingCase) {
    await deps.scope.db.botChat.update({ where: { tenantId_id: { tenantId: deps.tenant.id, id: chat.id } }, data: { state: {} } });
    const c = await toolsFor(deps, contact).openCase(text, text);
    return ctx.reply(t.caseOpened(c.number));
  }
  const reply = await answer(deps, contact, text, assistants, logger);
  if (reply.unanswered && (await noteUnhelpful(ctx, contact.id))) {
    await ctx.reply(reply.text);
    return handOver(ctx, contact.id, `The assistant could not answer twice. Last question: ${text}`);
  }
  const keyboard = reply.cited ? new InlineKeyboard().text("👍 Yes", "helpful:yes").text("👎 No", "helpful:no") : undefined;
  await sendLong(ctx.api, ctx.chat.id, reply.text, keyboard ? { reply_markup: keyboard } : undefined);
});
