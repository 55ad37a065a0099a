import { builder } from "./builder.js";
import { tenantNode } from "./tenant-node.js";

export const KnowledgeArticleRef = builder.prismaNode("KnowledgeArticle", {
  ...tenantNode,
  description: "What the front desk answers from. Only published articles are used.",
  authScopes: { can: "front:read" },
  fields: (t) => ({
    title: t.exposeString("title"),
    body: t.exposeString("body"),
    tags: t.exposeStringList("tags"),
    published: t.exposeBoolean("published"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});
