import type { Prisma, Settlement, SettlementStatus } from "../generated/prisma/index.js";
import { formatDay, parseDay } from "../domain/dates.js";
import { currencyCode, formatAmount } from "../domain/money.js";
import { createSettlement, transitionSettlement, type CreatedSettlement } from "../domain/settlements.js";
import { builder } from "./builder.js";
import { SettlementDirectionEnum, SettlementStatusEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { FRONT_OFFICE_LINK, tenantNode } from "./tenant-node.js";
import { OrderDirection } from "./ticket.js";

const AMOUNT = "The amount as a decimal string in the currency's unit, exact: 1234.50 EUR, 1500 JPY, 12.345 KWD.";
const AMOUNT_MINOR = "The amount in minor units (cents, fils…) as an integer string: exact beyond 2^53, where JSON numbers are not.";

export const SettlementRef = builder.prismaNode("Settlement", {
  ...tenantNode,
  description: "Money owed or due, in exact minor units of an ISO 4217 currency. PENDING → CLEARED | FAILED; CLEARED → REVERSED.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    reference: t.exposeString("reference"),
    counterparty: t.exposeString("counterparty"),
    amount: t.string({ description: AMOUNT, resolve: (s) => formatAmount(s.amountMinor, s.currency) }),
    amountMinor: t.string({ description: AMOUNT_MINOR, resolve: (s) => s.amountMinor.toString() }),
    currency: t.exposeString("currency", { description: "ISO 4217 code, e.g. EUR." }),
    direction: t.expose("direction", { type: SettlementDirectionEnum }),
    status: t.expose("status", { type: SettlementStatusEnum }),
    valueDate: t.string({ description: "YYYY-MM-DD", resolve: (s) => formatDay(s.valueDate) }),
    idempotencyKey: t.exposeString("idempotencyKey"),
    statusReason: t.exposeString("statusReason", { nullable: true, description: "Why it was reversed (or failed)." }),
    settledAt: t.expose("settledAt", { type: "DateTime", nullable: true, description: "When it cleared." }),
    ticket: t.relation("ticket", {
      nullable: true,
      description: `The linked ticket. ${FRONT_OFFICE_LINK} \`ticketId\` still says which ticket.`,
    }),
    ticketId: t.globalID({
      nullable: true,
      description: "The linked ticket's id (back:read is enough): for callers without front:read, and to tell \"no ticket\" from \"not allowed to see it\".",
      resolve: (s) => (s.ticketId ? { type: "Ticket", id: s.ticketId } : null),
    }),
    contact: t.relation("contact", {
      nullable: true,
      description: `The linked contact. ${FRONT_OFFICE_LINK} \`contactId\` still says which contact.`,
    }),
    contactId: t.globalID({
      nullable: true,
      description: "The linked contact's id (back:read is enough): for callers without front:read, and to tell \"no contact\" from \"not allowed to see it\".",
      resolve: (s) => (s.contactId ? { type: "Contact", id: s.contactId } : null),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

// ---------------------------------------------------------------- queries

const SettlementFilter = builder.inputType("SettlementFilter", {
  fields: (t) => ({
    status: t.field({ type: [SettlementStatusEnum], required: false }),
    currency: t.string({ required: false, description: "ISO 4217 code." }),
    direction: t.field({ type: SettlementDirectionEnum, required: false }),
    counterparty: t.string({ required: false, description: "Part of the counterparty's name, any case." }),
    reference: t.string({ required: false, description: "Exact reference." }),
    valueDateFrom: t.string({ required: false, description: "YYYY-MM-DD, inclusive." }),
    valueDateTo: t.string({ required: false, description: "YYYY-MM-DD, inclusive." }),
    contactId: t.id({ required: false }),
    ticketId: t.id({ required: false }),
  }),
});

const SettlementOrderField = builder.enumType("SettlementOrderField", { values: ["VALUE_DATE", "CREATED_AT", "UPDATED_AT"] as const });

const SettlementOrder = builder.inputType("SettlementOrder", {
  fields: (t) => ({
    field: t.field({ type: SettlementOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: "DESC" }),
  }),
});

function settlementWhere(f: typeof SettlementFilter.$inferInput | null | undefined): Prisma.SettlementWhereInput {
  if (!f) return {};
  const and: Prisma.SettlementWhereInput[] = [];
  if (f.status?.length) and.push({ status: { in: f.status } });
  if (f.currency) and.push({ currency: currencyCode("filter.currency", f.currency) });
  if (f.direction) and.push({ direction: f.direction });
  if (f.counterparty?.trim()) and.push({ counterparty: { contains: f.counterparty.trim().slice(0, 200), mode: "insensitive" } });
  if (f.reference) and.push({ reference: f.reference.trim() });
  if (f.valueDateFrom) and.push({ valueDate: { gte: parseDay("filter.valueDateFrom", f.valueDateFrom) } });
  if (f.valueDateTo) and.push({ valueDate: { lte: parseDay("filter.valueDateTo", f.valueDateTo) } });
  if (f.contactId) and.push({ contactId: idOf("filter.contactId", f.contactId, "Contact") });
  if (f.ticketId) and.push({ ticketId: idOf("filter.ticketId", f.ticketId, "Ticket") });
  return { AND: and };
}

function settlementOrder(order: typeof SettlementOrder.$inferInput | null | undefined): Prisma.SettlementOrderByWithRelationInput[] {
  const dir = order?.direction === "ASC" ? "asc" : "desc";
  const field = { VALUE_DATE: "valueDate", CREATED_AT: "createdAt", UPDATED_AT: "updatedAt" }[order?.field ?? "VALUE_DATE"];
  return [{ [field]: dir }, { id: dir }];
}

builder.queryField("settlements", (t) =>
  t.prismaConnection(
    {
      type: "Settlement",
      cursor: "tenantId_id",
      description: "The tenant's settlements, latest value date first unless ordered otherwise.",
      authScopes: { can: "back:read" },
      args: { filter: t.arg({ type: SettlementFilter, required: false }), orderBy: t.arg({ type: SettlementOrder, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.settlement.findMany({ ...query, where: settlementWhere(args.filter), orderBy: settlementOrder(args.orderBy) });
      },
      totalCount: (_c, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.settlement.count({ where: settlementWhere(args.filter) });
      },
    },
    {},
    {},
  ),
);

export type MoneyTotal = { currency: string; status: SettlementStatus; count: number; amountMinor: bigint };

export const SettlementTotalRef = builder.objectRef<MoneyTotal>("SettlementTotal").implement({
  description: "How many settlements of one currency and status, and their exact sum.",
  fields: (t) => ({
    currency: t.exposeString("currency"),
    status: t.field({ type: SettlementStatusEnum, resolve: (x) => x.status }),
    count: t.exposeInt("count"),
    amount: t.string({ description: AMOUNT, resolve: (x) => formatAmount(x.amountMinor, x.currency) }),
    amountMinor: t.string({ description: AMOUNT_MINOR, resolve: (x) => x.amountMinor.toString() }),
  }),
});

builder.queryField("settlementTotals", (t) =>
  t.field({
    type: [SettlementTotalRef],
    description: "Count and sum per currency and status of the settlements the filter selects (amounts are never added across currencies).",
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

// ---------------------------------------------------------------- mutations

const CreatedSettlementRef = builder.objectRef<CreatedSettlement>("CreatedSettlement").implement({
  fields: (t) => ({
    settlement: t.field({ type: SettlementRef, resolve: (x): Settlement => x.settlement }),
    replayed: t.exposeBoolean("replayed", { description: "True when an earlier request with the same idempotency key and body created it." }),
  }),
});

const CreateSettlementInput = builder.inputType("CreateSettlementInput", {
  fields: (t) => ({
    idempotencyKey: t.string({ required: true, description: "Your unique key for this settlement: repeat it to retry safely." }),
    reference: t.string({ required: true }),
    counterparty: t.string({ required: true }),
    amount: t.string({ required: true, description: "A positive decimal string in the currency's unit, e.g. 1234.50 (JPY: 1234; KWD: 12.345)." }),
    currency: t.string({ required: true, description: "ISO 4217 code, e.g. EUR." }),
    direction: t.field({ type: SettlementDirectionEnum, required: true }),
    valueDate: t.string({ required: true, description: "YYYY-MM-DD" }),
    ticketId: t.id({ required: false }),
    contactId: t.id({ required: false }),
  }),
});

builder.mutationField("createSettlement", (t) =>
  t.field({
    type: CreatedSettlementRef,
    authScopes: { can: "back:write" },
    errors: { types: MUTATION_ERRORS },
    description:
      "Creates a PENDING settlement once per idempotency key: repeating the request returns the same settlement; the key with a different request is a ConflictError.",
    args: { input: t.arg({ type: CreateSettlementInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      createSettlement(tenantDeps(ctx), {
        ...input,
        ticketId: input.ticketId ? idOf("ticketId", input.ticketId, "Ticket") : null,
        contactId: input.contactId ? idOf("contactId", input.contactId, "Contact") : null,
      }),
  }),
);

const TransitionSettlementInput = builder.inputType("TransitionSettlementInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    status: t.field({ type: SettlementStatusEnum, required: true }),
    reason: t.string({ required: false, description: "Required for REVERSED." }),
  }),
});

builder.mutationField("transitionSettlement", (t) =>
  t.field({
    type: SettlementRef,
    authScopes: { can: "back:write" },
    errors: { types: MUTATION_ERRORS },
    description: "PENDING → CLEARED | FAILED; CLEARED → REVERSED (with a reason). Other moves are a ValidationError on `status`.",
    args: { input: t.arg({ type: TransitionSettlementInput, required: true }) },
    resolve: (_r, { input }, ctx) => transitionSettlement(tenantDeps(ctx), idOf("id", input.id, "Settlement"), input.status, input.reason),
  }),
);
