import { builder } from "./builder.js";
import { tenantNode } from "./tenant-node.js";

export const RecordRef = builder.prismaNode("Record", {
  ...tenantNode,
  name: "BusinessRecord",
  description: "A typed business record (contract, customer file, invoice, claim…) with its version history.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    type: t.exposeString("type"),
    reference: t.exposeString("reference"),
    title: t.exposeString("title"),
    data: t.expose("data", { type: "JSON" }),
    version: t.exposeInt("version"),
    contact: t.relation("contact", { nullable: true }),
    retentionUntil: t.expose("retentionUntil", { type: "DateTime", nullable: true }),
    legalHold: t.exposeBoolean("legalHold"),
    legalHoldReason: t.exposeString("legalHoldReason", { nullable: true }),
    archivedAt: t.expose("archivedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const RecordVersionRef = builder.prismaNode("RecordVersion", {
  ...tenantNode,
  description: "What a record was at one version, kept when it changed.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    version: t.exposeInt("version"),
    title: t.exposeString("title"),
    data: t.expose("data", { type: "JSON" }),
    record: t.relation("record"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
