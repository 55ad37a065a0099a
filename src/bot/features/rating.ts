// Inline buttons: ratings of resolved cases (once per case) and "did this help?".
import { Composer } from "grammy";
import type { FeedbackKind } from "../../generated/prisma/index.js";
import { ConflictError, DomainError } from "../../domain/errors.js";
import { recordFeedback } from "../../domain/feedback.js";
import type { BotContext } from "../context.js";
import { contactFor } from "../front-desk.js";
import { texts } from "../texts.js";
import { customerOf } from "./customer.js";
import { handOver, noteUnhelpful } from "./conversation.js";

export const ratingFeature = new Composer<BotContext>();

ratingFeature.callbackQuery(/^rate:(CSAT|NPS|CES):([A-Za-z0-9]+):(\d{1,2})$/, async (ctx) => {
  const { deps } = ctx.desk;
  const t = texts(deps.tenant.settings.locale);
  const [, kind, ticketId, score] = ctx.match;
  const contact = await contactFor(deps, customerOf(ctx));
  const ticket = await deps.scope.db.ticket.findFirst({ where: { id: ticketId, contactId: contact.id } });
  if (!ticket) return ctx.answerCallbackQuery({ text: t.error });
  try {
    await recordFeedback(deps, { kind: kind as FeedbackKind, score: Number(score), ticketId: ticket.id });
    await ctx.answerCallbackQuery({ text: t.thanksRating });
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  } catch (err) {
    if (err instanceof ConflictError) return ctx.answerCallbackQuery({ text: t.alreadyRated });
    if (err instanceof DomainError) return ctx.answerCallbackQuery({ text: err.message.slice(0, 190) });
    throw err;
  }
});

ratingFeature.callbackQuery(/^helpful:(yes|no)$/, async (ctx) => {
  const { deps } = ctx.desk;
  const t = texts(deps.tenant.settings.locale);
  await ctx.answerCallbackQuery({ text: t.thanksFeedback });
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  if (ctx.match[1] === "no") {
    const contact = await contactFor(deps, customerOf(ctx));
    if (await noteUnhelpful(ctx, contact.id)) await handOver(ctx, contact.id, "Two answers did not help.");
  }
});

// A button we do not know (an old message): still answered, so the client stops spinning.
ratingFeature.on("callback_query:data", (ctx) => ctx.answerCallbackQuery());
