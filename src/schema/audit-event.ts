import type { Prisma } from "../generated/prisma/index.js";
import { builder } from "./builder.js";
import { ActorTypeEnum } from "./enums.js";
import { checkPage } from "./inputs.js";
import { tenantNode } from "./tenant-node.js";

export const AuditEventRef = builder.prismaNode("AuditEvent", {
  ...tenantNode,
  description: "One change, as it happened: who, what, which entity, before and after. Append-only.",
  authScopes: { can: "audit:read" },
  fields: (t) => ({
    actorType: t.expose("actorType", { type: ActorTypeEnum }),
    actorId: t.exposeString("actorId", { nullable: true }),
    actorName: t.exposeString("actorName", { nullable: true }),
    action: t.exposeString("action"),
    entityType: t.exposeString("entityType"),
    entityId: t.exposeString("entityId", { nullable: true }),
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
    action: t.string({ required: false, description: "Exact action, or a prefix ending in '.', e.g. settlement." }),
    entityType: t.string({ required: false }),
    entityId: t.string({ required: false, description: "The row id (as in `entityId` of events)." }),
    from: t.field({ type: "DateTime", required: false }),
    to: t.field({ type: "DateTime", required: false }),
  }),
});

function auditWhere(f: typeof AuditFilter.$inferInput | null | undefined): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (f?.actorType) and.push({ actorType: f.actorType });
  if (f?.actorId) and.push({ actorId: f.actorId });
  if (f?.action) and.push(f.action.endsWith(".") ? { action: { startsWith: f.action } } : { action: f.action });
  if (f?.entityType) and.push({ entityType: f.entityType });
  if (f?.entityId) and.push({ entityId: f.entityId });
  if (f?.from) and.push({ createdAt: { gte: f.from } });
  if (f?.to) and.push({ createdAt: { lt: f.to } });
  return { AND: and };
}

builder.queryField("auditEvents", (t) =>
  t.prismaConnection(
    {
      type: "AuditEvent",
      cursor: "tenantId_id",
      description: "The active tenant's audit log, newest first (OWNER, ADMIN, AUDITOR).",
      authScopes: { can: "audit:read" },
      args: { filter: t.arg({ type: AuditFilter, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.auditEvent.findMany({ ...query, where: auditWhere(args.filter), orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
      },
      totalCount: (_c, args, ctx) => checkPage(args) ?? ctx.scope!.db.auditEvent.count({ where: auditWhere(args.filter) }),
    },
    {},
    {},
  ),
);
