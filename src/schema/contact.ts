import { builder } from "./builder.js";
import { tenantNode } from "./tenant-node.js";

export const ContactRef = builder.prismaNode("Contact", {
  ...tenantNode,
  description: "A customer of the tenant. Channel identities are unique within the tenant.",
  authScopes: { can: "front:read" },
  fields: (t) => ({
    name: t.exposeString("name"),
    email: t.exposeString("email", { nullable: true }),
    phone: t.exposeString("phone", { nullable: true }),
    telegramUserId: t.string({ nullable: true, resolve: (c) => c.telegramUserId?.toString() ?? null }),
    locale: t.exposeString("locale", { nullable: true }),
    tags: t.exposeStringList("tags"),
    mergedInto: t.relation("mergedInto", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});
