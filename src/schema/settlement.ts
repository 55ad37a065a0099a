import type { Prisma } from "../generated/prisma/index.js";
import { ValidationError } from "../domain/errors.js";
import { formatAmount } from "../domain/money.js";
import { createSettlement, transitionSettlement } from "../domain/settlements.js";
import { builder } from "./builder.js";
import { SettlementDirectionEnum, SettlementStatusEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { tenantNode } from "./tenant-node.js";

export const SettlementRef = builder.prismaNode("Settlement", {
  ...tenantNode,
  description: "Money owed or due, in exact minor units of an ISO 4217 currency.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    reference: t.exposeString("reference"),
    counterparty: t.exposeString("counterparty"),
    amount: t.string({ description: "The amount as a decimal string in the currency's unit, e.g. 1234.50.", resolve: (s) => formatAmount(s.amountMinor, s.currency) }),
    amountMinor: t.string({
      description: "The amount in minor units (cents, yen…), as a decimal integer string: exact beyond 2^53.",
      resolve: (s) => s.amountMinor.toString(),
    }),
    currency: t.exposeString("currency"),
    direction: t.expose("direction", { type: SettlementDirectionEnum }),
    status: t.expose("status", { type: SettlementStatusEnum }),
    valueDate: t.string({ description: "YYYY-MM-DD", resolve: (s) => s.valueDate.toISOString().slice(0, 10) }),
    idempotencyKey: t.exposeString("idempotencyKey"),
    statusReason: t.exposeString("statusReason", { nullable: true }),
    settledAt: t.expose("settledAt", { type: "DateTime", nullable: true }),
    ticket: t.relation("ticket", { nullable: true }),
    contact: t.relation("contact", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const SettlementFilter = builder.inputType("SettlementFilter", {
  fields: (t) => ({
    status: t.field({ type: [SettlementStatusEnum], required: false }),
    currency: t.string({ required: false }),
    counterparty: t.string({ required: false, description: "Part of the counterparty's name." }),
    valueDateFrom: t.string({ required: false, description: "YYYY-MM-DD, inclusive" }),
    valueDateTo: t.string({ required: false, description: "YYYY-MM-DD, inclusive" }),
  }),
});

function day(field: string, v: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new ValidationError(field, `"${v}" is not a date (YYYY-MM-DD).`);
  return d;
}

function settlementWhere(f: typeof SettlementFilter.$inferInput | null | undefined): Prisma.SettlementWhereInput {
  const and: Prisma.SettlementWhereInput[] = [];
  if (f?.status?.length) and.push({ status: { in: f.status } });
  if (f?.currency) and.push({ currency: f.currency.trim().toUpperCase() });
  if (f?.counterparty) and.push({ counterparty: { contains: f.counterparty.slice(0, 100), mode: "insensitive" } });
  if (f?.valueDateFrom) and.push({ valueDate: { gte: day("filter.valueDateFrom", f.valueDateFrom) } });
  if (f?.valueDateTo) and.push({ valueDate: { lte: day("filter.valueDateTo", f.valueDateTo) } });
  return { AND: and };
}

builder.queryField("settlements", (t) =>
  t.prismaConnection(
    {
      type: "Settlement",
      cursor: "tenantId_id",
      authScopes: { can: "back:read" },
      args: { filter: t.arg({ type: SettlementFilter, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.settlement.findMany({ ...query, where: settlementWhere(args.filter), orderBy: [{ valueDate: "desc" }, { id: "desc" }] });
      },
      totalCount: (_c, args, ctx) => checkPage(args) ?? ctx.scope!.db.settlement.count({ where: settlementWhere(args.filter) }),
    },
    {},
    {},
  ),
);

type Total = { currency: string; status: string; count: number; amountMinor: bigint };
const SettlementTotal = builder.objectRef<Total>("SettlementTotal").implement({
  fields: (t) => ({
    currency: t.exposeString("currency"),
    status: t.field({ type: SettlementStatusEnum, resolve: (x) => x.status as never }),
    count: t.exposeInt("count"),
    amount: t.string({ resolve: (x) => formatAmount(x.amountMinor, x.currency) }),
    amountMinor: t.string({ resolve: (x) => x.amountMinor.toString() }),
  }),
});

builder.queryField("settlementTotals", (t) =>
  t.field({
    type: [SettlementTotal],
    description: "Count and sum per currency and status (amounts are never added across currencies).",
    authScopes: { can: "back:read" },
    args: { filter: t.arg({ type: SettlementFilter, required: false }) },
    resolve: async (_r, args, ctx) => {
      const groups = await ctx.scope!.db.settlement.groupBy({
        by: ["currency", "status"],
        where: settlementWhere(args.filter),
        _count: { _all: true },
        _sum: { amountMinor: true },
        orderBy: [{ currency: "asc" }, { status: "asc" }],
      });
      return groups.map((g) => ({ currency: g.currency, status: g.status, count: g._count._all, amountMinor: g._sum.amountMinor ?? 0n }));
    },
  }),
);

const CreateSettlementSuccessData = builder.objectRef<{ settlement: never; replayed: boolean }>("CreatedSettlement").implement({
  fields: (t) => ({
    settlement: t.field({ type: SettlementRef, resolve: (x) => x.settlement }),
    replayed: t.exposeBoolean("replayed", { description: "True when this repeated an earlier request with the same idempotency key." }),
  }),
});

builder.mutationField("createSettlement", (t) =>
  t.field({
    type: CreateSettlementSuccessData,
    authScopes: { can: "back:write" },
    errors: { types: MUTATION_ERRORS },
    description: "Creates a settlement once per idempotency key: a repeat returns the same one; the key with a different request is a ConflictError.",
    args: {
      input: t.arg({
        type: builder.inputType("CreateSettlementInput", {
          fields: (f) => ({
            idempotencyKey: f.string({ required: true }),
            reference: f.string({ required: true }),
            counterparty: f.string({ required: true }),
            amount: f.string({ required: true, description: "Decimal string in the currency's unit, e.g. 1234.50 (JPY: 1234)." }),
            currency: f.string({ required: true, description: "ISO 4217 code, e.g. EUR." }),
            direction: f.field({ type: SettlementDirectionEnum, required: true }),
            valueDate: f.string({ required: true, description: "YYYY-MM-DD" }),
            ticketId: f.id({ required: false }),
            contactId: f.id({ required: false }),
          }),
        }),
        required: true,
      }),
    },
    resolve: async (_r, { input }, ctx) =>
      (await createSettlement(tenantDeps(ctx), {
        ...input,
        ticketId: input.ticketId ? idOf("ticketId", input.ticketId, "Ticket") : null,
        contactId: input.contactId ? idOf("contactId", input.contactId, "Contact") : null,
      })) as never,
  }),
);

builder.mutationField("transitionSettlement", (t) =>
  t.field({
    type: SettlementRef,
    authScopes: { can: "back:write" },
    errors: { types: MUTATION_ERRORS },
    description: "PENDING → CLEARED | FAILED; CLEARED → REVERSED (with a reason).",
    args: {
      input: t.arg({
        type: builder.inputType("TransitionSettlementInput", {
          fields: (f) => ({
            id: f.id({ required: true }),
            status: f.field({ type: SettlementStatusEnum, required: true }),
            reason: f.string({ required: false }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, ctx) => transitionSettlement(tenantDeps(ctx), idOf("id", input.id, "Settlement"), input.status, input.reason),
  }),
);
