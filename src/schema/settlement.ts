import { builder } from "./builder.js";
import { SettlementDirectionEnum, SettlementStatusEnum } from "./enums.js";
import { tenantNode } from "./tenant-node.js";

export const SettlementRef = builder.prismaNode("Settlement", {
  ...tenantNode,
  description: "Money owed or due, in exact minor units of an ISO 4217 currency.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    reference: t.exposeString("reference"),
    counterparty: t.exposeString("counterparty"),
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
    ticket: t.relation("ticket", { nullable: true }),
    contact: t.relation("contact", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});
