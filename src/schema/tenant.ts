import { activeTenant, type ActiveTenant } from "../tenants/auth.js";
import { ConflictError, ForbiddenError, ValidationError } from "../domain/errors.js";
import { builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { PriorityEnum } from "./enums.js";

type SlaTarget = { priority: "LOW" | "NORMAL" | "HIGH" | "URGENT"; firstResponseMinutes: number; resolutionMinutes: number };

const SlaTargetRef = builder.objectRef<SlaTarget>("SlaTarget").implement({
  description: "How soon a ticket of one priority must get its first response and its resolution.",
  fields: (t) => ({
    priority: t.field({ type: PriorityEnum, resolve: (s) => s.priority }),
    firstResponseMinutes: t.exposeInt("firstResponseMinutes"),
    resolutionMinutes: t.exposeInt("resolutionMinutes"),
  }),
});

/** Tenants the caller may see: its API key's, or the operator's memberships. */
function visibleTenants(ctx: ApiContext): ActiveTenant[] {
  const caller = ctx.caller;
  if (caller.kind === "apiKey") return [caller.tenant];
  if (caller.kind === "operator") return caller.memberships.map((m) => m.tenant);
  return [];
}

export const TenantRef = builder.node(builder.objectRef<ActiveTenant>("Tenant"), {
  description: "A client company whose front and back office the BPO runs.",
  id: { resolve: (t) => t.id },
  loadOne: (id, ctx) => visibleTenants(ctx).find((t) => t.id === id) ?? null,
  fields: (t) => ({
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    locale: t.string({ resolve: (x) => x.settings.locale }),
    timeZone: t.string({ resolve: (x) => x.settings.timeZone }),
    slaPolicy: t.field({
      type: [SlaTargetRef],
      resolve: (x) =>
        (["URGENT", "HIGH", "NORMAL", "LOW"] as const).map((priority) => ({ priority, ...x.settings.slaPolicy[priority] })),
    }),
  }),
});

builder.queryField("tenant", (t) =>
  t.field({
    type: TenantRef,
    description: "The active tenant: the API key's, or the one chosen with the X-Tenant header.",
    authScopes: { tenant: true },
    resolve: (_root, _args, ctx) => ctx.tenant!,
  }),
);

const CreateTenantInput = builder.inputType("CreateTenantInput", {
  fields: (t) => ({
    slug: t.string({ required: true, description: "Lowercase letters, digits and dashes; used in X-Tenant." }),
    name: t.string({ required: true }),
    locale: t.string({ required: false, description: "e.g. en, de, pt-BR (default en)" }),
    timeZone: t.string({ required: false, description: "IANA time zone (default UTC)" }),
  }),
});

builder.mutationField("createTenant", (t) =>
  t.field({
    type: TenantRef,
    description: "Creates a client tenant (BPO administrators only).",
    authScopes: { bpoAdmin: true },
    errors: { types: [ValidationError, ConflictError, ForbiddenError] },
    args: { input: t.arg({ type: CreateTenantInput, required: true }) },
    resolve: async (_root, { input }, { services }) => {
      const settings = { ...(input.locale ? { locale: input.locale } : {}), ...(input.timeZone ? { timeZone: input.timeZone } : {}) };
      return activeTenant(await services.directory.createTenant({ slug: input.slug, name: input.name, settings }));
    },
  }),
);
