import { builder } from "./builder.js";
import { ActorTypeEnum } from "./enums.js";
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
