import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { contactFor, toolsFor } from "../front-desk.js";
import { texts } from "../texts.js";
import { customerOf } from "./customer.js";

export const commandsFeature = new Composer<BotContext>();

commandsFeature.command("start", (ctx) => ctx.reply(texts(ctx.desk.deps.tenant.settings.locale).welcome(ctx.desk.deps.tenant.name)));
commandsFeature.command("help", (ctx) => ctx.reply(texts(ctx.desk.deps.tenant.settings.locale).help));

commandsFeature.command("status", async (ctx) => {
  const t = texts(ctx.desk.deps.tenant.settings.locale);
  const contact = await contactFor(ctx.desk.deps, customerOf(ctx));
  const cases = await toolsFor(ctx.desk.deps, contact).caseStatus();
  await ctx.reply(cases.length ? [t.yourCases, ...cases.map(t.caseLine)].join("\n") : t.noCases);
});

commandsFeature.command("human", async (ctx) => {
  const t = texts(ctx.desk.deps.tenant.settings.locale);
  const contact = await contactFor(ctx.desk.deps, customerOf(ctx));
  const reason = ctx.match?.trim() || "Asked for a person with /human.";
  const { ticket, created } = await toolsFor(ctx.desk.deps, contact).requestHuman(reason);
  await ctx.reply(created || !ticket.needsHuman ? t.humanRequested(ticket.number) : t.humanAlready(ticket.number));
});

commandsFeature.command("new", async (ctx) => {
  const t = texts(ctx.desk.deps.tenant.settings.locale);
  const contact = await contactFor(ctx.desk.deps, customerOf(ctx));
  const text = ctx.match?.trim();
  if (!text) {
    await ctx.desk.deps.scope.db.botChat.upsert({
      where: { tenantId_botId_chatId: { tenantId: ctx.desk.deps.tenant.id, botId: ctx.desk.bot.id, chatId: BigInt(ctx.chat.id) } },
      create: { tenantId: ctx.desk.deps.tenant.id, botId: ctx.desk.bot.id, chatId: BigInt(ctx.chat.id), contactId: contact.id, state: { awaitingCase: true } },
      update: { state: { awaitingCase: true } },
    });
    return ctx.reply(t.newCasePrompt);
  }
  const c = await toolsFor(ctx.desk.deps, contact).openCase(text, text);
  await ctx.reply(t.caseOpened(c.number));
});
