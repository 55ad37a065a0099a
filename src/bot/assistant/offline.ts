// The offline answerer: full-text ranking (MiniSearch, BM25 with fuzzy and prefix
// matching) over the tenant's published articles, plus intent rules for cases,
// status and hand-over. Below a confidence threshold it offers a case instead of guessing.
import MiniSearch from "minisearch";
import type { KnowledgeArticle } from "../../generated/prisma/index.js";
import { texts } from "../texts.js";
import type { ArticleHit, Assistant, AssistantReply, FrontDeskTools } from "./types.js";

export type Intent = "human" | "status" | "new_case" | "question";

const HUMAN = /\b(human|person|agent|operator|real (person|people)|somebody|someone real|talk to (someone|a person)|representative|mensch|persona)\b/i;
const FRUSTRATION = /\b(useless|stupid|ridiculous|terrible|awful|angry|furious|scam|worst)\b|!!!|\?\?\?/i;
const STATUS = /\b(status|my (case|ticket|claim|complaint)s?|any (news|update)|update on|progress|where is my|what('s| is) happening with)\b/i;
const NEW_CASE = /\b(open|create|start|file|raise|log) (a |an |new )?(case|ticket|complaint)\b|\bcomplain\b/i;

export function detectIntent(text: string): Intent {
  if (HUMAN.test(text) || FRUSTRATION.test(text)) return "human";
  if (STATUS.test(text) && !/\bhow (do|can|to)\b/i.test(text)) return "status";
  if (NEW_CASE.test(text)) return "new_case";
  return "question";
}

const STOP_WORDS = new Set(
  "a an the i you we my me your our is are was be to of in on at for and or it this that do does can could would should how what when where why which with from by about have has had not no yes please hi hello thanks thank".split(" "),
);

/** A search index over one tenant's published articles. */
export class ArticleIndex {
  private readonly search: MiniSearch<KnowledgeArticle>;
  constructor(private readonly articles: KnowledgeArticle[]) {
    this.search = new MiniSearch<KnowledgeArticle>({
      fields: ["title", "body", "tagText"],
      storeFields: ["id"],
      extractField: (doc, field) => (field === "tagText" ? doc.tags.join(" ") : (doc as unknown as Record<string, string>)[field]!),
      processTerm: (term) => {
        const t = term.toLowerCase();
        return STOP_WORDS.has(t) || t.length < 2 ? null : t;
      },
      searchOptions: { boost: { title: 2.5, tagText: 1.5 }, fuzzy: 0.2, prefix: true, combineWith: "OR" },
    });
    this.search.addAll(articles);
  }

  query(text: string, limit = 3): ArticleHit[] {
    const byId = new Map(this.articles.map((a) => [a.id, a]));
    return this.search
      .search(text)
      .slice(0, limit)
      .map((r) => ({ id: r.id as string, title: byId.get(r.id)!.title, body: byId.get(r.id)!.body, score: r.score }));
  }
}

/**
 * Confidence: the best hit must clear an absolute score and, when a second article
 * competes, lead it clearly. Calibrated on tests/bot/eval-set.ts (npm run eval:bot).
 */
export const MIN_SCORE = 6;
export const MIN_LEAD = 1.15;

export function confidentHit(hits: ArticleHit[]): ArticleHit | null {
  const [best, second] = hits;
  if (!best || best.score < MIN_SCORE) return null;
  if (second && best.score < second.score * MIN_LEAD && best.score < MIN_SCORE * 2) return null;
  return best;
}

/** The first sentences of an article, up to about 600 characters. */
export function excerpt(body: string, max = 600): string {
  if (body.length <= max) return body;
  const cut = body.slice(0, max);
  const end = cut.lastIndexOf(". ");
  return (end > 200 ? cut.slice(0, end + 1) : cut) + " …";
}

export class OfflineAssistant implements Assistant {
  readonly name = "offline" as const;

  async reply(text: string, tools: FrontDeskTools, context: { locale: string; openCase: import("./types.js").CaseSummary | null }): Promise<AssistantReply> {
    const t = texts(context.locale);
    switch (detectIntent(text)) {
      case "human": {
        const { ticket, created } = await tools.requestHuman(text);
        return { by: this.name, text: created || !ticket.needsHuman ? t.humanRequested(ticket.number) : t.humanAlready(ticket.number) };
      }
      case "status": {
        const cases = await tools.caseStatus();
        return { by: this.name, text: cases.length ? [t.yourCases, ...cases.map(t.caseLine)].join("\n") : t.noCases };
      }
      case "new_case": {
        if (context.openCase) {
          await tools.addToCase(text);
          return { by: this.name, text: t.addedToCase(context.openCase.number) };
        }
        const c = await tools.openCase(subjectFrom(text), text);
        return { by: this.name, text: t.caseOpened(c.number) };
      }
      default: {
        const hit = confidentHit(await tools.searchKnowledgeBase(text));
        if (context.openCase) {
          await tools.addToCase(text);
          const added = t.addedToCase(context.openCase.number);
          return hit
            ? { by: this.name, text: `${t.answer(hit.title, excerpt(hit.body))}\n\n${added}`, cited: { id: hit.id, title: hit.title } }
            : { by: this.name, text: added };
        }
        if (!hit) return { by: this.name, text: t.notFound, unanswered: true };
        return { by: this.name, text: t.answer(hit.title, excerpt(hit.body)), cited: { id: hit.id, title: hit.title } };
      }
    }
  }
}

/** A ticket subject from a customer's words: the first sentence, trimmed to 120 characters. */
export function subjectFrom(text: string): string {
  const first = text.replace(/\s+/g, " ").trim().split(/(?<=[.!?])\s/)[0] ?? text;
  const s = first.length > 120 ? first.slice(0, 117).trimEnd() + "…" : first;
  return s || "Question from Telegram";
}
