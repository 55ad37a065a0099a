// Runs the offline answerer's decision (intent rules, then ranking and confidence)
// over the evaluation set, on the demo knowledge bases as the seed publishes them.
import { ArticleIndex, confidentHit } from "../../src/bot/assistant/article-index.js";
import { detectIntent } from "../../src/bot/assistant/intents.js";
import { DEMO_ARTICLES } from "../../src/seed/demo-articles.js";
import { EVAL_SET, type EvalCase, type Expected } from "./eval-set.js";

export interface EvalResult {
  total: number;
  correct: number;
  accuracy: number;
  /** Answers from an article when the right outcome was another article or no answer: the harmful miss. */
  wrongArticle: (EvalCase & { got: Expected })[];
  failures: (EvalCase & { got: Expected })[];
  byKind: Record<EvalCase["kind"], { total: number; correct: number }>;
}

export function offlineDecision(index: ArticleIndex, question: string): Expected {
  const intent = detectIntent(question);
  if (intent !== "question") return `@${intent}`;
  return confidentHit(index.query(question))?.title ?? null;
}

export function evaluateOffline(cases: readonly EvalCase[] = EVAL_SET): EvalResult {
  const indexes = new Map(
    Object.entries(DEMO_ARTICLES).map(([tenant, articles]) => [
      tenant,
      new ArticleIndex(articles.filter((a) => a.published ?? true).map((a, i) => ({ id: `${tenant}-${i}`, title: a.title, body: a.body, tags: a.tags }))),
    ]),
  );
  const failures: EvalResult["failures"] = [];
  const byKind = {} as EvalResult["byKind"];
  for (const c of cases) {
    const got = offlineDecision(indexes.get(c.tenant)!, c.question);
    const k = (byKind[c.kind] ??= { total: 0, correct: 0 });
    k.total++;
    if (got === c.expected) k.correct++;
    else failures.push({ ...c, got });
  }
  const isArticle = (e: Expected) => e !== null && !e.startsWith("@");
  const correct = cases.length - failures.length;
  return {
    total: cases.length,
    correct,
    accuracy: correct / cases.length,
    wrongArticle: failures.filter((f) => isArticle(f.got)),
    failures,
    byKind,
  };
}
