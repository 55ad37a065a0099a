// A tenant's settings, changed by its admins: name, locale, time zone, the SLA
// policy tickets are due by, and what its Telegram front desk does.
import type { TenantSettings } from "../tenants/settings.js";
import { activeTenant, type ActiveTenant } from "../tenants/auth.js";
import { builder } from "./builder.js";
import { PriorityEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { TenantRef } from "./tenant.js";
import { activeTenantId } from "./tenant-node.js";

const FrontDeskSettingsRef = builder.objectRef<TenantSettings["bot"]>("FrontDeskSettings").implement({
  description: "What the tenant's Telegram front desk does.",
  fields: (t) => ({
    groupsEnabled: t.exposeBoolean("groupsEnabled", { description: "Answer knowledge-base questions in group chats when addressed (cases stay private)." }),
    askNps: t.exposeBoolean("askNps", { description: "After CSAT, ask how likely the customer is to recommend the tenant (0–10)." }),
    askCes: t.exposeBoolean("askCes", { description: "After CSAT, ask how easy it was to get the issue handled (1–7)." }),
  }),
});

builder.objectField(TenantRef, "frontDesk", (t) =>
  t.field({ type: FrontDeskSettingsRef, resolve: (tenant: ActiveTenant) => tenant.settings.bot }),
);

const SlaTargetInput = builder.inputType("SlaTargetInput", {
  fields: (t) => ({
    priority: t.field({ type: PriorityEnum, required: true }),
    firstResponseMinutes: t.int({ required: true }),
    resolutionMinutes: t.int({ required: true }),
  }),
});

const FrontDeskSettingsInput = builder.inputType("FrontDeskSettingsInput", {
  fields: (t) => ({
    groupsEnabled: t.boolean(),
    askNps: t.boolean(),
    askCes: t.boolean(),
  }),
});

const UpdateTenantInput = builder.inputType("UpdateTenantInput", {
  description: "Only the fields given change; an SLA target replaces that priority's target only.",
  fields: (t) => ({
    name: t.string(),
    locale: t.string({ description: "e.g. en, de, pt-BR: the front desk speaks it when no LLM is configured." }),
    timeZone: t.string({ description: "IANA time zone, e.g. Europe/Berlin." }),
    slaPolicy: t.field({ type: [SlaTargetInput] }),
    frontDesk: t.field({ type: FrontDeskSettingsInput }),
  }),
});

builder.mutationField("updateTenant", (t) =>
  t.field({
    type: TenantRef,
    description: "Changes the active tenant's name or settings (admins). New SLA targets apply to tickets opened or re-prioritised from now on.",
    authScopes: { can: "admin" },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: UpdateTenantInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const tenantId = activeTenantId(ctx);
      const slaPolicy = Object.fromEntries((input.slaPolicy ?? []).map(({ priority, ...target }) => [priority, target]));
      const frontDesk = Object.fromEntries(Object.entries(input.frontDesk ?? {}).filter(([, v]) => v != null));
      const tenant = await ctx.services.directory.updateTenant(
        tenantId,
        { name: input.name, settings: { locale: input.locale, timeZone: input.timeZone, slaPolicy, bot: frontDesk } },
        ctx.actor,
      );
      await ctx.services.bots.tenantChanged(tenantId);
      return activeTenant(tenant);
    },
  }),
);
