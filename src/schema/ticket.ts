import { builder } from "./builder.js";
import { ChannelEnum, PriorityEnum, TicketStatusEnum } from "./enums.js";
import { tenantNode } from "./tenant-node.js";

export const TicketRef = builder.prismaNode("Ticket", {
  ...tenantNode,
  description: "A case: a customer's request and its thread, numbered 1, 2, 3… within the tenant.",
  authScopes: { can: "front:read" },
  fields: (t) => ({
    number: t.exposeInt("number"),
    subject: t.exposeString("subject"),
    status: t.expose("status", { type: TicketStatusEnum }),
    priority: t.expose("priority", { type: PriorityEnum }),
    channel: t.expose("channel", { type: ChannelEnum }),
    tags: t.exposeStringList("tags"),
    needsHuman: t.exposeBoolean("needsHuman"),
    contact: t.relation("contact"),
    firstResponseDueAt: t.expose("firstResponseDueAt", { type: "DateTime", nullable: true }),
    resolutionDueAt: t.expose("resolutionDueAt", { type: "DateTime", nullable: true }),
    firstRespondedAt: t.expose("firstRespondedAt", { type: "DateTime", nullable: true }),
    resolvedAt: t.expose("resolvedAt", { type: "DateTime", nullable: true }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});
