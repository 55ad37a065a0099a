// The commands of a private chat: /start, /help, /new, /status, /human.
import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { cleanText } from "../clean-text.js";
import { contactFor, customerFrom } from "../customer.js";

export const commandsFeature = new Composer<BotContext>();

const contactOf = (ctx: BotContext) => contactFor(ctx.desk.deps, customerFrom(ctx.from!, ctx.chat));

commandsFeature.command(["start", "help"], async (ctx) => {
  const { t, deps } = ctx.desk;
  // Creating the contact here means operators see who opened the chat, and replies can reach them.
  await contactOf(ctx);
  await ctx.reply(ctx.message?.text?.startsWith("/start") ? t.welcome(deps.tenant.name) : t.help);
});

commandsFeature.command("status", async (ctx) => {
  const { t, frontDesk } = ctx.desk;
  const cases = await frontDesk.cases(await contactOf(ctx));
  await ctx.reply(cases.length ? [t.yourCases, ...cases.map((c) => t.caseLine(c))].join("\n") : t.noCases);
});

commandsFeature.command("human", async (ctx) => {
  const { t, frontDesk, chats } = ctx.desk;
  const contact = await contactOf(ctx);
  const said = cleanText(ctx.match ?? "").trim();
  const chat = await chats.open(ctx.chat.id, contact.id, ctx.from?.language_code);
  const r = await frontDesk.requestHuman(contact, said || "The customer asked for a person with /human.", chat.stateData.history ?? [], said || undefined);
  await chats.resetUnhelpful(ctx.chat.id);
  await ctx.reply(r.alreadyWaiting ? t.humanAlready(r.case.number) : t.humanRequested(r.case.number, r.created));
});

commandsFeature.command("new", async (ctx) => {
  const { t, frontDesk, chats } = ctx.desk;
  const contact = await contactOf(ctx);
  const text = cleanText(ctx.match ?? "").trim();
  const chat = await chats.open(ctx.chat.id, contact.id, ctx.from?.language_code);
  if (!text) {
    // The next message becomes the case (conversation.ts).
    await chats.setAwaitingCase(ctx.chat.id, chat.stateData, true);
    return ctx.reply(t.newCasePrompt);
  }
  const ticket = await frontDesk.openNewCase(contact, text);
  await chats.remember(ctx.chat.id, chat.stateData, text, t.caseOpened(ticket.number));
  await ctx.reply(t.caseOpened(ticket.number));
});
