import type { Prisma } from "../generated/prisma/index.js";
import { builder, decodeGlobalId } from "./builder.js";
import { ActorTypeEnum } from "./enums.js";
import { checkPage } from "./inputs.js";
import { tenantNode } from "./tenant-node.js";
import { OrderDirection } from "./ticket.js";

/** Audit entity types (Prisma model names) whose rows are Relay nodes, and the GraphQL type of those nodes. */
const NODE_TYPES: Record<string, string> = {
  Contact: "Contact",
  Ticket: "Ticket",
  Message: "Message",
  Feedback: "Feedback",
  KnowledgeArticle: "KnowledgeArticle",
  Record: "BusinessRecord",
  ComplianceCheck: "ComplianceCheck",
  Settlement: "Settlement",
  BackOfficeCost: "BackOfficeCost",
};
const ENTITY_TYPES = Object.fromEntries(Object.entries(NODE_TYPES).map(([entity, node]) => [node, entity]));

export const AuditEventRef = builder.prismaNode("AuditEvent", {
  ...tenantNode,
  description: "One change, as it happened: who, what, which entity, before and after. Append-only: nobody can change or delete it.",
  authScopes: { can: "audit:read" },
  fields: (t) => ({
    actorType: t.expose("actorType", { type: ActorTypeEnum }),
    actorId: t.exposeString("actorId", { nullable: true, description: "The operator or API key id." }),
    actorName: t.exposeString("actorName", { nullable: true }),
    action: t.exposeString("action", { description: "e.g. settlement.created, record.updated, compliance_check.status_changed." }),
    entityType: t.exposeString("entityType"),
    entityId: t.exposeString("entityId", { nullable: true, description: "The row id of the entity." }),
    entityNodeId: t.globalID({
      nullable: true,
      description: "The entity's global id, for `node(id:)`, when it is a node of the API.",
      resolve: (e) => (e.entityId && NODE_TYPES[e.entityType] ? { type: NODE_TYPES[e.entityType]!, id: e.entityId } : null),
    }),
    before: t.expose("before", { type: "JSON", nullable: true }),
    after: t.expose("after", { type: "JSON", nullable: true }),
    requestId: t.exposeString("requestId", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const AuditFilter = builder.inputType("AuditEventFilter", {
  fields: (t) => ({
    actorType: t.field({ type: ActorTypeEnum, required: false }),
    actorId: t.string({ required: false }),
    action: t.string({ required: false, description: "An exact action, or a prefix ending in '.', e.g. `settlement.`." }),
    entityType: t.string({ required: false, description: "e.g. Settlement, Record, ComplianceCheck." }),
    entityId: t.string({ required: false, description: "The entity's global id (as the API returns it) or its row id." }),
    from: t.field({ type: "DateTime", required: false, description: "Inclusive." }),
    to: t.field({ type: "DateTime", required: false, description: "Exclusive." }),
  }),
});

const AuditOrderField = builder.enumType("AuditEventOrderField", { values: ["CREATED_AT"] as const });

const AuditOrder = builder.inputType("AuditEventOrder", {
  fields: (t) => ({
    field: t.field({ type: AuditOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: "DESC" }),
  }),
});

/** A global id of a node type names its entity; anything else is taken as a row id. */
function entityCondition(id: string): Prisma.AuditEventWhereInput {
  try {
    const { typename, id: rowId } = decodeGlobalId(id);
    const entityType = ENTITY_TYPES[typename];
    if (entityType) return { entityType, entityId: rowId };
  } catch {
    // not a global id
  }
  return { entityId: id };
}

function auditWhere(f: typeof AuditFilter.$inferInput | null | undefined): Prisma.AuditEventWhereInput {
  if (!f) return {};
  const and: Prisma.AuditEventWhereInput[] = [];
  if (f.actorType) and.push({ actorType: f.actorType });
  if (f.actorId) and.push({ actorId: f.actorId });
  if (f.action) and.push(f.action.endsWith(".") ? { action: { startsWith: f.action } } : { action: f.action });
  if (f.entityType) and.push({ entityType: f.entityType });
  if (f.entityId) and.push(entityCondition(f.entityId));
  if (f.from) and.push({ createdAt: { gte: f.from } });
  if (f.to) and.push({ createdAt: { lt: f.to } });
  return { AND: and };
}

builder.queryField("auditEvents", (t) =>
  t.prismaConnection(
    {
      type: "AuditEvent",
      cursor: "tenantId_id",
      description: "The active tenant's audit log, newest first (OWNER, ADMIN, AUDITOR, and API keys with the admin scope).",
      authScopes: { can: "audit:read" },
      args: { filter: t.arg({ type: AuditFilter, required: false }), orderBy: t.arg({ type: AuditOrder, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        const dir = args.orderBy?.direction === "ASC" ? "asc" : "desc";
        return ctx.scope!.db.auditEvent.findMany({ ...query, where: auditWhere(args.filter), orderBy: [{ createdAt: dir }, { id: dir }] });
      },
      totalCount: (_c, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.auditEvent.count({ where: auditWhere(args.filter) });
      },
    },
    {},
    {},
  ),
);
