// Free text in a private chat: the assistant answers from the knowledge base or acts
// on the customer's case; after two answers that did not help, a person takes over.
import { Composer, InlineKeyboard } from "grammy";
import type { Contact } from "../../generated/prisma/index.js";
import type { ChatTurn } from "../assistant/types.js";
import type { BotContext } from "../context.js";
import { cleanText } from "../clean-text.js";
import { contactFor, customerFrom } from "../customer.js";
import { sendLong } from "../send.js";

export const conversationFeature = new Composer<BotContext>();

/** After this many answers in a row that did not help, the case goes to a person. */
export const UNHELPFUL_LIMIT = 2;

conversationFeature.on("message:text", async (ctx) => {
  const { t, frontDesk, chats } = ctx.desk;
  const text = cleanText(ctx.message.text).trim();
  if (!text) return ctx.reply(t.help);
  const contact = await contactFor(ctx.desk.deps, customerFrom(ctx.from, ctx.chat));
  const chat = await chats.open(ctx.chat.id, contact.id, ctx.from.language_code);
  const history = chat.stateData.history ?? [];

  if (chat.stateData.awaitingCase) {
    const ticket = await frontDesk.openNewCase(contact, text);
    await chats.remember(ctx.chat.id, chat.stateData, text, t.caseOpened(ticket.number));
    return ctx.reply(t.caseOpened(ticket.number));
  }

  const { reply, case: current } = await frontDesk.answer(contact, text, history);
  // Recorded with the rest of the turn, before the answer goes out. An answer breaks the
  // run: the hand-over comes after answers that did not help in a row.
  const misses = await chats.answered(ctx.chat.id, chat.stateData, text, reply.text, !reply.unanswered);
  // The message is already in the thread when a case was open; otherwise it starts the new one.
  const handedOver = misses >= UNHELPFUL_LIMIT ? await handOver(ctx, contact, history, current ? undefined : text) : null;
  // Everything is recorded before anything is said: the turn's work is done when its replies go out.
  const keyboard = reply.cited ? new InlineKeyboard().text(t.helpfulYes, "helpful:yes").text(t.helpfulNo, "helpful:no") : undefined;
  await sendLong(ctx.api, ctx.chat.id, reply.text, keyboard ? { reply_markup: keyboard } : undefined);
  if (handedOver) await ctx.reply(handedOver);
});

/** Brings a person in after answers that did not help; returns what to tell the customer, truthfully. */
export async function handOver(ctx: BotContext, contact: Contact, history: ChatTurn[], customerText?: string): Promise<string> {
  const { t, frontDesk, chats } = ctx.desk;
  const r = await frontDesk.requestHuman(contact, "The assistant's answers did not help twice in a row.", history, customerText);
  await chats.resetUnhelpful(ctx.chat!.id);
  return r.alreadyWaiting ? t.humanAlready(r.case.number) : t.handOverAfterMisses(r.case.number, r.created);
}
