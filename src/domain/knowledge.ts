// The knowledge base the front desk answers from.
import type { KnowledgeArticle, Prisma } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import type { TenantDeps } from "./deps.js";
import { ValidationError } from "./errors.js";
import { must, tags as checkTags, text } from "./input.js";

export interface ArticleInput {
  title: string;
  body: string;
  tags?: string[] | null;
  /** Customers' words for what the article is about; the front desk ranks with them. */
  keywords?: string[] | null;
  /** Questions the article answers, as customers ask them; the front desk ranks with them. */
  examples?: string[] | null;
  published?: boolean | null;
}

/** Up to `max` distinct, trimmed, non-empty phrases of at most `length` characters each. */
function phrases(field: string, values: readonly string[] | null | undefined, max: number, length: number): string[] | undefined {
  if (!values) return undefined;
  const out = [...new Set(values.map((v) => v.trim().replace(/\s+/g, " ")).filter(Boolean))];
  if (out.length > max) throw new ValidationError(field, `At most ${max} ${field}; there are ${out.length}.`);
  for (const v of out) if (v.length > length) throw new ValidationError(field, `Each of ${field} is at most ${length} characters; "${v.slice(0, 40)}…" has ${v.length}.`);
  return out;
}

function articleData(input: Partial<ArticleInput>) {
  return {
    ...(input.title !== undefined ? { title: text("title", input.title, 200) } : {}),
    ...(input.body !== undefined ? { body: text("body", input.body, 50_000) } : {}),
    ...(input.tags ? { tags: checkTags("tags", input.tags) } : {}),
    ...(input.keywords ? { keywords: phrases("keywords", input.keywords, 50, 60) } : {}),
    ...(input.examples ? { examples: phrases("examples", input.examples, 50, 300) } : {}),
    ...(input.published !== undefined && input.published !== null ? { published: input.published } : {}),
  };
}

/** After a change has committed: the front desk's index of the articles is rebuilt (in every process on the bus). */
function changed<T>(deps: TenantDeps, result: T): T {
  deps.events.publish("knowledge-changed", { tenantId: deps.tenant.id });
  return result;
}

export async function createArticle(deps: TenantDeps, input: ArticleInput): Promise<KnowledgeArticle> {
  const data = articleData(input);
  const tenantId = deps.tenant.id;
  const article = await deps.scope.tx(async (tx) => {
    const created = await tx.knowledgeArticle.create({ data: { ...data, title: data.title!, body: data.body!, tenantId } });
    await recordAudit(tx, tenantId, deps.actor, { action: "article.created", entityType: "KnowledgeArticle", entityId: created.id, after: created });
    return created;
  });
  return changed(deps, article);
}

export async function updateArticle(deps: TenantDeps, id: string, input: Partial<ArticleInput>): Promise<KnowledgeArticle> {
  const data = articleData(input);
  const tenantId = deps.tenant.id;
  const article = await deps.scope.tx(async (tx) => {
    const before = must(await tx.knowledgeArticle.findFirst({ where: { id } }), "Knowledge article", id);
    const after = await tx.knowledgeArticle.update({ where: { tenantId_id: { tenantId, id } }, data });
    const action = input.published === undefined || input.published === before.published ? "article.updated" : input.published ? "article.published" : "article.unpublished";
    await recordAudit(tx, tenantId, deps.actor, { action, entityType: "KnowledgeArticle", entityId: id, before, after });
    return after;
  });
  return changed(deps, article);
}

export async function deleteArticle(deps: TenantDeps, id: string): Promise<KnowledgeArticle> {
  const tenantId = deps.tenant.id;
  const article = await deps.scope.tx(async (tx) => {
    const before = must(await tx.knowledgeArticle.findFirst({ where: { id } }), "Knowledge article", id);
    await tx.knowledgeArticle.delete({ where: { tenantId_id: { tenantId, id } } });
    await recordAudit(tx, tenantId, deps.actor, { action: "article.deleted", entityType: "KnowledgeArticle", entityId: id, before });
    return before;
  });
  return changed(deps, article);
}

/** Words of a search: every word must appear in the title, body or tags (case-insensitive). */
export function articleSearchWhere(search: string | null | undefined): Prisma.KnowledgeArticleWhereInput {
  const words = (search ?? "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1).slice(0, 10);
  return {
    AND: words.map((w) => ({
      OR: [{ title: { contains: w, mode: "insensitive" } }, { body: { contains: w, mode: "insensitive" } }, { tags: { has: w } }],
    })),
  };
}

/**
 * Published articles matching every word of `search`, most recently updated first:
 * the front desk's lookup (it names the article it answers from).
 */
export function searchArticles(deps: TenantDeps, search: string, take = 5): Promise<KnowledgeArticle[]> {
  return deps.scope.db.knowledgeArticle.findMany({
    where: { AND: [articleSearchWhere(search), { published: true }] },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(take, 1), 50),
  });
}
