// Inline buttons: ratings of resolved cases (CSAT once per case; NPS/CES where the
// tenant asks for them) and "did this help?" under answers. Every tap is answered,
// so the customer's client stops spinning — also for old or unknown buttons.
import { Composer } from "grammy";
import type { FeedbackKind } from "../../generated/prisma/index.js";
import { ConflictError, ValidationError } from "../../domain/errors.js";
import { recordFeedback } from "../../domain/feedback.js";
import type { BotContext } from "../context.js";
import { existingContact } from "../customer.js";
import { handOver, UNHELPFUL_LIMIT } from "./conversation.js";

export const ratingFeature = new Composer<BotContext>();

/** `rate:<kind>:<ticket id>:<score>` — the ticket is checked against the tapping customer. */
export const RATE_DATA = /^rate:(CSAT|NPS|CES):([A-Za-z0-9_-]{1,40}):(\d{1,2})$/;

ratingFeature.callbackQuery(RATE_DATA, async (ctx) => {
  const { deps, t } = ctx.desk;
  const [, kind, ticketId, score] = ctx.match;
  // NPS and CES are asked only where the tenant enables them: other buttons are forged.
  const asked = kind === "CSAT" || (kind === "NPS" && deps.tenant.settings.bot.askNps) || (kind === "CES" && deps.tenant.settings.bot.askCes);
  if (!asked) return ctx.answerCallbackQuery({ text: t.ratingGone });
  const contact = await existingContact(deps, BigInt(ctx.from.id));
  // Only the case's own customer rates it, and only once it was resolved (a forged button finds nothing).
  const ticket = contact ? await deps.scope.db.ticket.findFirst({ where: { id: ticketId, contactId: contact.id, resolvedAt: { not: null } } }) : null;
  if (!ticket) return ctx.answerCallbackQuery({ text: t.ratingGone });
  try {
    await recordFeedback(deps, { kind: kind as FeedbackKind, score: Number(score), ticketId: ticket.id, contactId: contact!.id });
  } catch (err) {
    // One rating of each kind per case: a second tap keeps the first answer.
    if (err instanceof ConflictError) return ctx.answerCallbackQuery({ text: t.alreadyRated });
    // A score out of range can only come from a forged button.
    if (err instanceof ValidationError) return ctx.answerCallbackQuery({ text: t.ratingGone });
    throw err;
  }
  await ctx.answerCallbackQuery({ text: t.thanksRating });
  // The buttons go away: the choice is made.
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
});

ratingFeature.callbackQuery(/^helpful:(yes|no)$/, async (ctx) => {
  // Recorded before anything is said: the turn's work is done when its answers go out.
  const handedOver = await countHelpfulness(ctx, ctx.match[1] === "yes");
  await ctx.answerCallbackQuery({ text: ctx.desk.t.thanksFeedback });
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  if (handedOver) await ctx.reply(handedOver);
});

/** An answer that helped breaks the run; one that did not adds to it, and a person is brought in after two. */
async function countHelpfulness(ctx: BotContext, helped: boolean): Promise<string | null> {
  const { chats } = ctx.desk;
  const contact = await existingContact(ctx.desk.deps, BigInt(ctx.from!.id));
  if (!contact || !ctx.chat) return null;
  if (helped) {
    await chats.resetUnhelpful(ctx.chat.id);
    return null;
  }
  const chat = await chats.open(ctx.chat.id, contact.id);
  if ((await chats.unhelpful(ctx.chat.id)) < UNHELPFUL_LIMIT) return null;
  return handOver(ctx, contact, chat.stateData.history ?? []);
}

// A button we do not know (an old message): still answered.
ratingFeature.on("callback_query", (ctx) => ctx.answerCallbackQuery());
