// Full-text ranking over one tenant's published articles: MiniSearch (BM25) over
// titles, bodies and tags, with light stemming, spelling correction against the
// articles' own words, a few synonyms customers use for support words, and a
// confidence rule: below it the desk offers a case instead of guessing.
// Tuned on tests/bot/eval-set.ts (`npm run eval:bot`).
import MiniSearch from "minisearch";
import type { ArticleHit } from "./types.js";

export interface IndexedArticle {
  id: string;
  title: string;
  body: string;
  tags: string[];
}

const STOP_WORDS = new Set(
  (
    "a an the i im i'm ive i've you we my me your our us is are was were be been am to of in on at for and or but it its this that these those " +
    "do does did doing done can could would should will shall may might must how what when where why which who whom with from by about into " +
    "have has had not no yes please hi hello hey thanks thank there here then than so if just also get got any some all more very really " +
    "want need like know tell help question there's what's it's don't dont cant can't doesnt doesn't isn't wont won't ok okay " +
    "under over since after before still again use using used one there's anyone someone something thing " +
    // German
    "der die das den dem des ein eine einen einem einer ich sie wir mein meine meinen meinem ist sind war wie was wann wo warum und oder für " +
    "mit von zu bei auf nicht kein keine bitte danke hallo kann können möchte habe hat"
  ).split(" "),
);

/** Customers' phrases for one support word, rewritten before the words are looked up. */
const PHRASES: [RegExp, string][] = [
  [/\b(?:is|are|'s|'re)?\s*not working\b|\b(?:does ?n[o']?t|do ?n[o']?t|won'?t|stopped) work(?:ing)?\b|\bno (?:connection|signal|service)\b/gi, " down "],
  [/\bmoney back\b/gi, " refund "],
  [/\bmake a claim\b/gi, " file claim "],
];

/** Words customers use for the same thing; a query word also looks for its partners, with less weight. */
const SYNONYMS: string[][] = [
  ["cancel", "terminate", "cancellation", "quit"],
  ["refund", "reimburse", "reimbursement"],
  ["bill", "invoice", "statement"],
  ["price", "cost", "fee", "expensive"],
  ["pay", "payment", "debit"],
  ["address", "move", "relocate", "relocating"],
  ["internet", "wifi", "wi-fi", "broadband", "connection"],
  ["down", "outage", "offline"],
  ["phone", "mobile", "cell"],
  ["abroad", "overseas", "travel", "holiday", "vacation"],
  ["broken", "damage", "damaged"],
  ["long", "days", "duration"],
  ["file", "submit", "lodge", "report"],
];

/** A deliberately light English stemmer: plural, -ing, -ed, -ly. Enough to meet "cancelling" and "cancel". */
export function stem(term: string): string {
  let t = term;
  if (t.length > 5 && t.endsWith("ies")) return t.slice(0, -3) + "y";
  if (t.length > 5 && t.endsWith("ing")) t = t.slice(0, -3);
  else if (t.length > 4 && t.endsWith("ed")) t = t.slice(0, -2);
  else if (t.length > 4 && t.endsWith("ly")) t = t.slice(0, -2);
  else if (t.length > 3 && t.endsWith("s") && !t.endsWith("ss") && !t.endsWith("us")) t = t.slice(0, -1);
  // "cancelling" → "cancell" → "cancel", "stopped" → "stopp" → "stop"
  if (t.length > 4 && /([bdglmnprt])\1$/.test(t)) t = t.slice(0, -1);
  return t;
}

/** Lower case, accents and surrounding punctuation removed; null for stop words and single letters. */
function word(term: string): string | null {
  const t = term
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  return t.length < 2 || STOP_WORDS.has(t) ? null : t;
}

function normalise(term: string): string | null {
  const w = word(term);
  return w ? stem(w) : null;
}

function words(text: string): string[] {
  return text.split(/[\s\p{P}]+/u).map((w) => word(w)).filter((w): w is string => !!w);
}

const SYNONYM_OF = new Map<string, string[]>();
for (const group of SYNONYMS) {
  const stems = group.map((w) => normalise(w)).filter((w): w is string => !!w);
  for (const s of stems) SYNONYM_OF.set(s, [...new Set([...(SYNONYM_OF.get(s) ?? []), ...stems])]);
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length]![b.length]!;
}

function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}

export class ArticleIndex {
  private readonly search: MiniSearch<IndexedArticle>;
  private readonly byId: Map<string, IndexedArticle>;
  /** Every word of the articles (and the synonym lists), unstemmed, with how often it occurs. */
  private readonly vocabulary = new Map<string, number>();
  private readonly stems = new Set<string>();

  constructor(articles: readonly IndexedArticle[]) {
    this.byId = new Map(articles.map((a) => [a.id, a]));
    for (const a of articles) for (const w of words(`${a.title} ${a.body} ${a.tags.join(" ")}`)) this.vocabulary.set(w, (this.vocabulary.get(w) ?? 0) + 1);
    for (const w of SYNONYMS.flat()) if (!this.vocabulary.has(w)) this.vocabulary.set(w, 0);
    for (const w of this.vocabulary.keys()) this.stems.add(stem(w));
    this.search = new MiniSearch<IndexedArticle>({
      fields: ["title", "body", "tags"],
      extractField: (doc, field) => (field === "tags" ? doc.tags.join(" ") : (doc[field as "title" | "body"] ?? "")),
      processTerm: (term) => normalise(term),
    });
    this.search.addAll(articles);
  }

  get size(): number {
    return this.byId.size;
  }

  /** A word the articles do not use, replaced by the article word one typo away (two for long words). */
  correct(w: string): string {
    if (this.vocabulary.has(w) || this.stems.has(stem(w)) || w.length < 4 || /\d/.test(w)) return w;
    const max = w.length >= 8 ? 2 : 1;
    let best: { w: string; d: number; n: number } | null = null;
    for (const [v, n] of this.vocabulary) {
      // Four-letter words are only corrected for swapped letters: "fiel" is "file", "cars" is not "card".
      if (w.length === 4 && !isSwap(w, v)) continue;
      const d = editDistance(w, v, max);
      if (d <= max && (!best || d < best.d || (d === best.d && n > best.n))) best = { w: v, d, n };
    }
    return best?.w ?? w;
  }

  /** The question's meaningful words, spelling corrected and stemmed, as the index sees them. */
  terms(question: string): string[] {
    // Spelling first, so that "no conection" is still recognised as a phrase.
    let text = question.replace(/[\p{L}\p{N}'-]+/gu, (token) => {
      const w = word(token);
      return w ? this.correct(w) : token;
    });
    for (const [re, replacement] of PHRASES) text = text.replace(re, replacement);
    return [...new Set(words(text).map((w) => stem(w)))];
  }

  /** The best articles for a question, best first. */
  query(question: string, limit = 3): ArticleHit[] {
    const asked = this.terms(question);
    if (!asked.length) return [];
    const expanded = [...new Set(asked.flatMap((t) => [t, ...(SYNONYM_OF.get(t) ?? [])]))];
    const original = new Set(asked);
    const results = this.search.search(expanded.join(" "), {
      boost: { title: 2, tags: 1.5 },
      boostTerm: (term) => (original.has(term) ? 1 : 0.5),
      prefix: (term) => term.length >= 5,
      weights: { fuzzy: 0.5, prefix: 0.6 },
      combineWith: "OR",
      processTerm: (term) => term,
    });
    return results
      .map((r) => {
        const a = this.byId.get(r.id as string)!;
        const cov = coverage(asked, r.queryTerms);
        // A ranking that also rewards matching more of the question, not one word many times.
        return { id: a.id, title: a.title, body: a.body, score: r.score * (0.5 + cov), coverage: cov };
      })
      .sort((x, y) => y.score - x.score)
      .slice(0, limit);
  }
}

/** The share of the question's words the article matched (a synonym counts for its word). */
function coverage(asked: string[], matched: string[]): number {
  const hit = new Set(matched);
  const covered = asked.filter((w) => hit.has(w) || (SYNONYM_OF.get(w) ?? []).some((s) => hit.has(s)));
  return covered.length / asked.length;
}

/**
 * Confidence: the best article must score above an absolute floor, match a fair
 * share of the question's words, and lead the runner-up clearly unless it is strong
 * on its own. Calibrated on the evaluation set; see tests/bot/eval.test.ts.
 */
export const CONFIDENCE = { minScore: 5, minCoverage: 0.5, minLead: 1.2, strongScore: 14 };

export function confidentHit(hits: readonly ArticleHit[]): ArticleHit | null {
  const [best, second] = hits;
  if (!best || best.score < CONFIDENCE.minScore || best.coverage < CONFIDENCE.minCoverage) return null;
  if (second && best.score < second.score * CONFIDENCE.minLead && best.score < CONFIDENCE.strongScore) return null;
  return best;
}

/** The first sentences of an article, up to about `max` characters, never cutting a word. */
export function excerpt(body: string, max = 700): string {
  if (body.length <= max) return body;
  const cut = body.slice(0, max);
  const end = cut.lastIndexOf(". ");
  return (end > max / 3 ? cut.slice(0, end + 1) : cut.slice(0, cut.lastIndexOf(" "))) + " …";
}
