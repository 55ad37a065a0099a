import { articleSearchWhere, createArticle, deleteArticle, updateArticle } from "../domain/knowledge.js";
import { builder } from "./builder.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
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

builder.queryField("knowledgeArticles", (t) =>
  t.prismaConnection(
    {
      type: "KnowledgeArticle",
      cursor: "tenantId_id",
      authScopes: { can: "front:read" },
      args: { search: t.arg.string({ required: false }), published: t.arg.boolean({ required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        const where = { ...articleSearchWhere(args.search), ...(args.published === null || args.published === undefined ? {} : { published: args.published }) };
        return ctx.scope!.db.knowledgeArticle.findMany({ ...query, where, orderBy: [{ updatedAt: "desc" }, { id: "desc" }] });
      },
      totalCount: (_c, args, ctx) =>
        checkPage(args) ??
        ctx.scope!.db.knowledgeArticle.count({
          where: { ...articleSearchWhere(args.search), ...(args.published === null || args.published === undefined ? {} : { published: args.published }) },
        }),
    },
    {},
    {},
  ),
);

const write = { authScopes: { can: "front:write" as const }, errors: { types: MUTATION_ERRORS } };

const CreateArticleInput = builder.inputType("CreateKnowledgeArticleInput", {
  fields: (t) => ({
    title: t.string({ required: true }),
    body: t.string({ required: true }),
    tags: t.stringList({ required: false }),
    published: t.boolean({ required: false, defaultValue: false }),
  }),
});

const UpdateArticleInput = builder.inputType("UpdateKnowledgeArticleInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    title: t.string({ required: false }),
    body: t.string({ required: false }),
    tags: t.stringList({ required: false }),
    published: t.boolean({ required: false, description: "Publish (true) or unpublish (false)." }),
  }),
});

builder.mutationField("createKnowledgeArticle", (t) =>
  t.field({
    type: KnowledgeArticleRef,
    ...write,
    args: { input: t.arg({ type: CreateArticleInput, required: true }) },
    resolve: (_r, { input }, ctx) => createArticle(tenantDeps(ctx), input),
  }),
);

builder.mutationField("updateKnowledgeArticle", (t) =>
  t.field({
    type: KnowledgeArticleRef,
    ...write,
    args: { input: t.arg({ type: UpdateArticleInput, required: true }) },
    resolve: (_r, { input }, ctx) => {
      const { id, title, body, ...rest } = input;
      return updateArticle(tenantDeps(ctx), idOf("id", id, "KnowledgeArticle"), { ...rest, title: title ?? undefined, body: body ?? undefined });
    },
  }),
);

builder.mutationField("deleteKnowledgeArticle", (t) =>
  t.field({
    type: KnowledgeArticleRef,
    ...write,
    args: { input: t.arg({ type: builder.inputType("DeleteKnowledgeArticleInput", { fields: (f) => ({ id: f.id({ required: true }) }) }), required: true }) },
    resolve: (_r, { input }, ctx) => deleteArticle(tenantDeps(ctx), idOf("id", input.id, "KnowledgeArticle")),
  }),
);
