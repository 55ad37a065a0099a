import type { KnowledgeArticle } from "../../src/generated/prisma/index.js";
import { ArticleIndex, confidentHit } from "../../src/bot/assistant/offline.js";
import { DEMO_ARTICLES } from "../../src/seed/demo-articles.js";
import { EVAL_SET } from "./eval-set.js";

/** Runs the offline answerer's retrieval and confidence rule over the evaluation set. */
export function evaluateOffline() {
  const indexes = new Map(
    Object.entries(DEMO_ARTICLES).map(([tenant, articles]) => [
      tenant,
      new ArticleIndex(
        articles
          .filter((a) => a.published ?? true)
          .map((a, i) => ({ ...a, id: `${tenant}-${i}`, tenantId: tenant, published: true, createdAt: new Date(), updatedAt: new Date() }) as KnowledgeArticle),
      ),
    ]),
  );
  const failures: { tenant: string; question: string; expected: string | null; got: string | null }[] = [];
  for (const c of EVAL_SET) {
    const got = confidentHit(indexes.get(c.tenant)!.query(c.question))?.title ?? null;
    if (got !== c.expected) failures.push({ ...c, got });
  }
  const total = EVAL_SET.length;
  const correct = total - failures.length;
  return { total, correct, accuracy: correct / total, failures };
}
