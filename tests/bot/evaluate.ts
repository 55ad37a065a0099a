// Runs the offline answerer over the evaluation sets, as the bot runs it: one index per
// knowledge base, built once, then each question through OfflineAssistant.reply with
// tools that search that index (the case tools only record that they were called).
//
// The sets: the demo tenants' questions (tests/bot/eval-set.ts over
// src/seed/demo-articles.ts) and every tests/bot/eval-sets/*.json. A set whose role is
// "held-out" is for reporting only: its questions and misses are never printed (see
// scripts/eval-bot.ts) and nothing is tuned on it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ArticleIndex, type IndexedArticle } from "../../src/bot/assistant/article-index.js";
import { OfflineAssistant } from "../../src/bot/assistant/offline.js";
import type { CaseSummary, FrontDeskTools } from "../../src/bot/assistant/types.js";
import { DEMO_ARTICLES } from "../../src/seed/demo-articles.js";
import { EVAL_SET, HOLDOUT_SET, type EvalCase, type Expected } from "./eval-set.js";

/** Where the *.json sets are; EVAL_SETS_DIR points elsewhere (the report's own test does). */
export const EVAL_SETS_DIR = process.env.EVAL_SETS_DIR ?? join(fileURLToPath(new URL(".", import.meta.url)), "eval-sets");

export interface EvalQuestion {
  /** Which knowledge base of the set the question is asked of. */
  base: string;
  q: string;
  expected: Expected;
  kind: string;
}

export interface EvalSetDef {
  name: string;
  role: "development" | "held-out";
  company: string;
  field: string;
  bases: Record<string, IndexedArticle[]>;
  questions: EvalQuestion[];
}

export interface Outcome extends EvalQuestion {
  got: Expected;
  ms: number;
}

export interface SetResult {
  name: string;
  role: EvalSetDef["role"];
  articles: number;
  /** Questions an article answers: how many got exactly that article. */
  inScope: { total: number; right: number };
  /** Questions no article answers: how many were declined (no article cited). */
  offTopic: { total: number; declined: number };
  /** Questions asking for an action (a person, case status, a new case). */
  intents: { total: number; right: number };
  /** Answers citing an article when the right outcome was another article or none. */
  wrongArticle: Outcome[];
  misses: Outcome[];
  byKind: Record<string, { total: number; right: number }>;
  latency: { p50: number; p95: number; max: number };
  /** Milliseconds to build the indexes of the set, all its knowledge bases together. */
  buildMs: number;
  outcomes: Outcome[];
}

type DemoTenant = EvalCase["tenant"];

function demoBases(): Record<string, IndexedArticle[]> {
  return Object.fromEntries(
    Object.entries(DEMO_ARTICLES).map(([tenant, articles]) => [
      tenant,
      articles.filter((a) => a.published ?? true).map((a, i) => ({ id: `${tenant}-${i}`, title: a.title, body: a.body, tags: a.tags })),
    ]),
  );
}

const fromCases = (cases: readonly EvalCase[]): EvalQuestion[] => cases.map((c) => ({ base: c.tenant satisfies DemoTenant, q: c.question, expected: c.expected, kind: c.kind }));

/** The demo tenants' sets: the questions the answerer was first tuned on, and those written after. */
export function demoSets(): EvalSetDef[] {
  const common = { role: "development" as const, company: "Acme Insurance and Globex Telecom (demo tenants)", field: "home insurance, telecoms", bases: demoBases() };
  return [
    { name: "demo", ...common, questions: fromCases(EVAL_SET) },
    { name: "demo-later", ...common, questions: fromCases(HOLDOUT_SET) },
  ];
}

interface JsonSet {
  name: string;
  role: "development" | "held-out";
  company: string;
  field: string;
  articles: { title: string; tags: string[]; body: string }[];
  questions: { q: string; expected: string | null; kind: string }[];
}

/** One tests/bot/eval-sets/*.json file, as a set with one knowledge base. */
export function loadJsonSet(path: string): EvalSetDef {
  const s = JSON.parse(readFileSync(path, "utf8")) as JsonSet;
  if (s.role !== "development" && s.role !== "held-out") throw new Error(`${path}: role must be "development" or "held-out".`);
  const titles = new Set(s.articles.map((a) => a.title));
  const unknown = s.questions.filter((q) => q.expected !== null && !titles.has(q.expected)).length;
  if (unknown) throw new Error(`${path}: ${unknown} question(s) expect an article the set does not have.`);
  return {
    name: s.name,
    role: s.role,
    company: s.company,
    field: s.field,
    bases: { [s.name]: s.articles.map((a, i) => ({ id: `${s.name}-${i}`, title: a.title, body: a.body, tags: a.tags })) },
    questions: s.questions.map((q) => ({ base: s.name, q: q.q, expected: q.expected, kind: q.kind })),
  };
}

/** Every set, the demo ones first; `devOnly` leaves held-out sets out (they are not even read). */
export function loadEvalSets(options: { devOnly?: boolean } = {}): EvalSetDef[] {
  const files = readdirSync(EVAL_SETS_DIR).filter((f) => f.endsWith(".json")).sort();
  const json = files.map((f) => join(EVAL_SETS_DIR, f));
  const sets = [...demoSets()];
  for (const path of json) {
    // The role is read before the rest, so --dev-only never loads a held-out set's questions.
    const role = (JSON.parse(readFileSync(path, "utf8")) as { role?: string }).role;
    if (options.devOnly && role !== "development") continue;
    sets.push(loadJsonSet(path));
  }
  return sets;
}

const CASE: CaseSummary = { number: 1, subject: "eval", status: "OPEN", needsHuman: false };

/** The front desk's tools over one index; the case tools only report which was called. */
function toolsFor(index: ArticleIndex, called: { intent?: Expected }): FrontDeskTools {
  return {
    searchKnowledgeBase: async (query) => index.query(query.slice(0, 500)),
    openCase: async () => ((called.intent = "@new_case"), { case: CASE, created: true }),
    caseStatus: async () => ((called.intent = "@status"), []),
    addToCase: async () => null,
    requestHuman: async () => ((called.intent = "@human"), { case: CASE, created: true, alreadyWaiting: false }),
  };
}

const offline = new OfflineAssistant();

/** What the offline answerer does with one question: the article it cites, an action, or null. */
export async function decide(index: ArticleIndex, question: string): Promise<Expected> {
  const called: { intent?: Expected } = {};
  const reply = await offline.reply(question, toolsFor(index, called), { tenantName: "Eval", locale: "en", openCase: null, history: [] });
  // An article cited beside an action (a frustrated customer's story) is what the customer reads first.
  return reply.cited?.title ?? called.intent ?? null;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function evaluateSet(set: EvalSetDef): Promise<SetResult> {
  const t0 = performance.now();
  const indexes = new Map(Object.entries(set.bases).map(([base, articles]) => [base, new ArticleIndex(articles)]));
  const buildMs = performance.now() - t0;
  const outcomes: Outcome[] = [];
  for (const question of set.questions) {
    const index = indexes.get(question.base)!;
    const start = performance.now();
    const got = await decide(index, question.q);
    outcomes.push({ ...question, got, ms: performance.now() - start });
  }
  const isArticle = (e: Expected) => e !== null && !e.startsWith("@");
  const inScope = outcomes.filter((o) => isArticle(o.expected));
  const offTopic = outcomes.filter((o) => o.expected === null);
  const intents = outcomes.filter((o) => o.expected?.startsWith("@"));
  const byKind: SetResult["byKind"] = {};
  for (const o of outcomes) {
    const k = (byKind[o.kind] ??= { total: 0, right: 0 });
    k.total++;
    if (o.got === o.expected) k.right++;
  }
  const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const misses = outcomes.filter((o) => o.got !== o.expected);
  return {
    name: set.name,
    role: set.role,
    articles: Object.values(set.bases).reduce((n, a) => n + a.length, 0),
    inScope: { total: inScope.length, right: inScope.filter((o) => o.got === o.expected).length },
    offTopic: { total: offTopic.length, declined: offTopic.filter((o) => !isArticle(o.got)).length },
    intents: { total: intents.length, right: intents.filter((o) => o.got === o.expected).length },
    wrongArticle: misses.filter((o) => isArticle(o.got)),
    misses,
    byKind,
    latency: { p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1) ?? 0 },
    buildMs,
    outcomes,
  };
}

export const rate = (n: number, of: number): number => (of ? n / of : 1);
