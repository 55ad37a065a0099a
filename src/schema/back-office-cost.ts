import { setBackOfficeCost } from "../domain/back-office-metrics.js";
import { formatDay } from "../domain/dates.js";
import { formatAmount } from "../domain/money.js";
import { builder } from "./builder.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, tenantDeps } from "./inputs.js";
import { tenantNode } from "./tenant-node.js";

export const BackOfficeCostRef = builder.prismaNode("BackOfficeCost", {
  ...tenantNode,
  description: "What the tenant's back office cost in a period (days inclusive), for cost per transaction.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    periodStart: t.string({ description: "YYYY-MM-DD, inclusive.", resolve: (c) => formatDay(c.periodStart) }),
    periodEnd: t.string({ description: "YYYY-MM-DD, inclusive.", resolve: (c) => formatDay(c.periodEnd) }),
    currency: t.exposeString("currency"),
    amount: t.string({ description: "Decimal string in the currency's unit.", resolve: (c) => formatAmount(c.amountMinor, c.currency) }),
    amountMinor: t.string({ description: "Minor units, as an integer string.", resolve: (c) => c.amountMinor.toString() }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

builder.queryField("backOfficeCosts", (t) =>
  t.prismaConnection(
    {
      type: "BackOfficeCost",
      cursor: "tenantId_id",
      description: "The cost periods the tenant has set, latest first.",
      authScopes: { can: "back:read" },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.backOfficeCost.findMany({ ...query, orderBy: [{ periodStart: "desc" }, { id: "desc" }] });
      },
      totalCount: (_c, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.backOfficeCost.count();
      },
    },
    {},
    {},
  ),
);

const SetBackOfficeCostInput = builder.inputType("SetBackOfficeCostInput", {
  fields: (t) => ({
    periodStart: t.string({ required: true, description: "YYYY-MM-DD, inclusive." }),
    periodEnd: t.string({ required: true, description: "YYYY-MM-DD, inclusive." }),
    amount: t.string({ required: true, description: "Decimal string in the currency's unit, e.g. 12500.00." }),
    currency: t.string({ required: true, description: "ISO 4217 code." }),
  }),
});

builder.mutationField("setBackOfficeCost", (t) =>
  t.field({
    type: BackOfficeCostRef,
    // A cost is tenant configuration (admin), and what it returns is back-office data (back:read): the caller needs
    // both, checked before anything is written, so a key that could not read the result cannot write it either.
    authScopes: (_root, _args, ctx) => ctx.permissions.has("admin") && ctx.permissions.has("back:read"),
    errors: { types: MUTATION_ERRORS },
    description:
      "Sets (or replaces) the back-office cost of a period. Needs admin and back:read: OWNER or ADMIN, or an API key with the admin scope and back:read (or back:write); anyone else is refused before anything is written. Periods do not overlap: a period that overlaps another one is a ConflictError.",
    args: { input: t.arg({ type: SetBackOfficeCostInput, required: true }) },
    resolve: (_r, { input }, ctx) => setBackOfficeCost(tenantDeps(ctx), input),
  }),
);
