import type { Prisma } from "../generated/prisma/index.js";
import { articleSearchWhere, createArticle, deleteArticle, updateArticle } from "../domain/knowledge.js";
import { builder } from "./builder.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { tenantNode } from "./tenant-node.js";
import { OrderDirection } from "./ticket.js";

export const KnowledgeArticleRef = builder.prismaNode("KnowledgeArticle", {
  ...tenantNode,
  description: "What the front desk answers from. Only published articles are used.",
  authScopes: { can: "front:read" },
  fields: (t) => ({
    title: t.exposeString("title"),
    body: t.exposeString("body"),
    tags: t.exposeStringList("tags"),
    keywords: t.exposeStringList("keywords", { description: "Customers' words for what the article is about, besides its own; the front desk ranks with them." }),
    examples: t.exposeStringList("examples", { description: "Questions customers ask that the article answers; the front desk ranks with them." }),
    published: t.exposeBoolean("published"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const KnowledgeArticleFilter = builder.inputType("KnowledgeArticleFilter", {
  fields: (t) => ({
    search: t.string({ required: false, description: "Words that must all appear in the title, body or tags (case-insensitive)." }),
    published: t.boolean({ required: false }),
    tag: t.string({ required: false }),
  }),
});

const KnowledgeArticleOrderField = builder.enumType("KnowledgeArticleOrderField", { values: ["UPDATED_AT", "CREATED_AT", "TITLE"] as const });

const KnowledgeArticleOrder = builder.inputType("KnowledgeArticleOrder", {
  fields: (t) => ({
    field: t.field({ type: KnowledgeArticleOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: "DESC" }),
  }),
});

function articleWhere(f: typeof KnowledgeArticleFilter.$inferInput | null | undefined): Prisma.KnowledgeArticleWhereInput {
  const and: Prisma.KnowledgeArticleWhereInput[] = [articleSearchWhere(f?.search)];
  if (f?.published !== null && f?.published !== undefined) and.push({ published: f.published });
  if (f?.tag) and.push({ tags: { has: f.tag.trim().toLowerCase() } });
  return { AND: and };
}

function articleOrder(order: typeof KnowledgeArticleOrder.$inferInput | null | undefined): Prisma.KnowledgeArticleOrderByWithRelationInput[] {
  const dir = order?.direction === "ASC" ? "asc" : "desc";
  const field = { UPDATED_AT: "updatedAt", CREATED_AT: "createdAt", TITLE: "title" }[order?.field ?? "UPDATED_AT"];
  return [{ [field]: dir }, { id: dir }];
}

builder.queryField("knowledgeArticles", (t) =>
  t.prismaConnection(
    {
      type: "KnowledgeArticle",
      cursor: "tenantId_id",
      description: "The knowledge base, most recently updated first unless ordered otherwise.",
      authScopes: { can: "front:read" },
      args: { filter: t.arg({ type: KnowledgeArticleFilter, required: false }), orderBy: t.arg({ type: KnowledgeArticleOrder, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.knowledgeArticle.findMany({ ...query, where: articleWhere(args.filter), orderBy: articleOrder(args.orderBy) });
      },
      totalCount: (_c, args, ctx) => checkPage(args) ?? ctx.scope!.db.knowledgeArticle.count({ where: articleWhere(args.filter) }),
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
    keywords: t.stringList({ required: false, description: "At most 50, each at most 60 characters: customers' words for the topic, such as everyday names for a product or feature." }),
    examples: t.stringList({ required: false, description: "At most 50, each at most 300 characters: questions the article answers, as customers ask them." }),
    published: t.boolean({ required: false, defaultValue: false }),
  }),
});

const UpdateArticleInput = builder.inputType("UpdateKnowledgeArticleInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    title: t.string({ required: false }),
    body: t.string({ required: false }),
    tags: t.stringList({ required: false }),
    keywords: t.stringList({ required: false, description: "Replaces the keywords (at most 50, each at most 60 characters)." }),
    examples: t.stringList({ required: false, description: "Replaces the example questions (at most 50, each at most 300 characters)." }),
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
