// The tenant's Telegram bot: admins connect it (the token is checked with getMe and
// stored encrypted), replace its token, or disconnect it. The token and the webhook
// secret never come back out.
import { ValidationError } from "../domain/errors.js";
import type { BotInfo } from "../tenants/bots.js";
import { builder } from "./builder.js";
import { MUTATION_ERRORS } from "./errors.js";
import { activeTenantId } from "./tenant-node.js";

const TelegramBotRef = builder.objectRef<BotInfo>("TelegramBot").implement({
  description: "The Telegram bot through which the tenant's customers reach its front desk.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The bot's id in Tandem: its webhook is <PUBLIC_URL>/telegram/<id>." }),
    username: t.exposeString("username", { description: "The bot's Telegram username, without @." }),
    telegramId: t.string({ description: "The bot's Telegram user id.", resolve: (b) => String(b.telegramId) }),
    connected: t.exposeBoolean("enabled", { description: "False after disconnectTelegramBot; its conversations and cases stay." }),
    webhookPath: t.string({ resolve: (b) => `/telegram/${b.id}` }),
    connectedAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "The last token change or disconnection." }),
  }),
});

builder.queryField("telegramBot", (t) =>
  t.field({
    type: TelegramBotRef,
    nullable: true,
    description: "The active tenant's Telegram bot; null if none was ever connected.",
    authScopes: { can: "admin" },
    resolve: (_root, _args, ctx) => ctx.services.bots.ofTenant(activeTenantId(ctx)),
  }),
);

const ConnectTelegramBotInput = builder.inputType("ConnectTelegramBotInput", {
  fields: (t) => ({
    token: t.string({ required: true, description: "The token from @BotFather (123456789:AA…). Checked with Telegram's getMe; never shown again." }),
  }),
});

builder.mutationField("connectTelegramBot", (t) =>
  t.field({
    type: TelegramBotRef,
    description: "Connects a bot to the active tenant, or replaces its token (the same bot row: conversations and cases stay).",
    authScopes: { can: "admin" },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: ConnectTelegramBotInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const tenantId = activeTenantId(ctx);
      await ctx.services.bots.connect(tenantId, input.token, ctx.actor);
      return (await ctx.services.bots.ofTenant(tenantId))!;
    },
  }),
);

const DisconnectTelegramBotInput = builder.inputType("DisconnectTelegramBotInput", {
  fields: (t) => ({
    username: t.string({ required: true, description: "The connected bot's username, to confirm which bot goes offline." }),
  }),
});

builder.mutationField("disconnectTelegramBot", (t) =>
  t.field({
    type: TelegramBotRef,
    description: "Takes the tenant's bot offline: it stops answering; its conversations and cases stay.",
    authScopes: { can: "admin" },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: DisconnectTelegramBotInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const tenantId = activeTenantId(ctx);
      const bot = await ctx.services.bots.ofTenant(tenantId);
      const given = input.username.trim().replace(/^@/, "");
      if (bot?.enabled && given.toLowerCase() !== bot.username.toLowerCase()) {
        throw new ValidationError("username", `The connected bot is @${bot.username}, not @${given}.`);
      }
      await ctx.services.bots.disconnect(tenantId, ctx.actor);
      return (await ctx.services.bots.ofTenant(tenantId))!;
    },
  }),
);
