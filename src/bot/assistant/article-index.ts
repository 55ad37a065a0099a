// Ranking over one tenant's published articles, for any company's knowledge base
// without tuning per tenant. Each article is compared with the question on a few
// signals that mean the same thing on every knowledge base:
//   - which of the question's words it uses (lemmatised and stemmed, spelling
//     corrected against the articles' words, support synonyms, amounts and units),
//     overall and in its title, tags, keywords and example questions;
//   - BM25F over those fields;
//   - word-vector similarity (GloVe): words the article does not use but means,
//     word by word and for the question as a whole.
// A linear model learnt on the development sets (scripts/calibrate-bot.ts, weights in
// ranking-model.json) combines them into a score, and a second one turns the best
// score and its lead over the runner-up into the probability that the best article
// answers the question; below the learnt threshold the desk offers a case instead.
import type { ArticleHit } from "./types.js";
import { analyse, editDistance, isSwap, PSEUDO_WORDS, rawWords, stem, STOP_WORDS, SYNONYMS, synonymsOf } from "./language.js";
import MODEL from "./ranking-model.json" with { type: "json" };
import { cosine, wordVectors, type WordVectors } from "./word-vectors.js";
import { related } from "./wordnet.js";

export interface IndexedArticle {
  id: string;
  title: string;
  body: string;
  tags: string[];
  /** Words the tenant says the article is about, beside its own. */
  keywords?: string[];
  /** Questions the tenant says the article answers. */
  examples?: string[];
}

const FIELDS = ["title", "tags", "keywords", "examples", "body"] as const;
type Field = (typeof FIELDS)[number];
const BOOST: Record<Field, number> = { title: 3, tags: 2.5, keywords: 2.5, examples: 2, body: 1 };
const K1 = 1.2;
const B = 0.75;
const DIM = 100;

/** One meaningful word of the question, with the words that may stand for it in an article. */
export interface Concept {
  key: string;
  surface: string;
  /** How much the word says: rarer words in general English say more. */
  importance: number;
  /** Article keys that count as this word, with how much (1 for the word itself). */
  alts: Map<string, number>;
  /** Keys of its WordNet synonyms and broader terms, with how much. */
  related: Map<string, number>;
}

export const FEATURES = ["cov", "head", "soft", "wordnet", "bm25rel", "bm25abs", "centroid"] as const;
/** The ranking features, and two more about the question that only the confidence uses. */
export type Features = Record<(typeof FEATURES)[number] | "miss" | "known", number>;

interface Doc {
  article: IndexedArticle;
  tf: Record<Field, Map<string, number>>;
  len: Record<Field, number>;
  keys: Set<string>;
  headKeys: Set<string>;
  /** Ids (into the index's vocabulary) of the article's words that have a vector. */
  wordIds: Int32Array;
  centroid: Float32Array | null;
}

export interface Scored {
  article: IndexedArticle;
  features: Features;
  score: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** How near a word is to another from their vectors' cosine: 0 up to NEAR_FROM, then rising to 1 at NEAR_FROM + NEAR_SPAN. */
const NEAR_FROM = 0.4;
const NEAR_SPAN = 0.4;
const near = (cos: number) => (cos > NEAR_FROM ? Math.min(1, (cos - NEAR_FROM) / NEAR_SPAN) : 0);

/** The model's linear score of an article's features. */
export function rankScore(f: Features, weights: Record<string, number> = MODEL.rank.weights): number {
  let s = 0;
  for (const k of FEATURES) s += (weights[k] ?? 0) * f[k];
  return s;
}

export const CONFIDENCE_FEATURES = ["lead", "cov", "soft", "head", "centroid", "bm25abs", "miss", "known"] as const;
export type ConfidenceInput = Record<(typeof CONFIDENCE_FEATURES)[number], number>;

export function confidenceInput(ranked: readonly Scored[], rankWeights?: Record<string, number>): ConfidenceInput | null {
  const [best, second] = ranked;
  if (!best) return null;
  const score = (r: Scored) => (rankWeights ? rankScore(r.features, rankWeights) : r.score);
  const f = best.features;
  const lead = Math.min(3, score(best) - (second ? score(second) : score(best) - 3));
  return { lead, cov: f.cov, soft: f.soft, head: f.head, centroid: f.centroid, bm25abs: f.bm25abs, miss: f.miss, known: f.known };
}

/** The probability that the best article answers the question, from the learnt confidence model. */
export function confidenceOf(input: ConfidenceInput, model: { bias: number; weights: Record<string, number> } = MODEL.confidence): number {
  let s = model.bias;
  for (const k of CONFIDENCE_FEATURES) s += (model.weights[k] ?? 0) * input[k];
  return sigmoid(s);
}

export class ArticleIndex {
  private readonly docs: Doc[];
  private readonly df = new Map<string, number>();
  private readonly avgLen: Record<Field, number>;
  /** Every word of the articles, as written, with how often it occurs (for spelling correction). */
  private readonly vocabulary = new Map<string, number>();
  private readonly keyOfWord = new Map<string, string>();
  private readonly allKeys = new Set<string>();
  /** The articles' words that have vectors, as unit rows. */
  private readonly vocabVectors: Float32Array;
  private readonly vocabIds = new Map<string, number>();
  private readonly vectors: WordVectors | null;

  constructor(articles: readonly IndexedArticle[], options: { vectors?: WordVectors | null } = {}) {
    this.vectors = options.vectors === undefined ? wordVectors() : options.vectors;
    const rows: Float32Array[] = [];
    this.docs = articles.map((article) => {
      const texts: Record<Field, string[]> = {
        title: [article.title],
        tags: article.tags,
        keywords: article.keywords ?? [],
        examples: article.examples ?? [],
        body: [article.body],
      };
      const tf = {} as Doc["tf"];
      const len = {} as Doc["len"];
      const keys = new Set<string>();
      const headKeys = new Set<string>();
      const ids = new Set<number>();
      const centroid = new Float32Array(DIM);
      let weight = 0;
      for (const field of FIELDS) {
        const m = new Map<string, number>();
        let n = 0;
        for (const text of texts[field]) {
          for (const w of rawWords(text)) this.vocabulary.set(w, (this.vocabulary.get(w) ?? 0) + 1);
          for (const w of analyse(text).words) {
            m.set(w.key, (m.get(w.key) ?? 0) + 1);
            n++;
            keys.add(w.key);
            if (field !== "body") headKeys.add(w.key);
            this.keyOfWord.set(w.surface, w.key);
            const v = this.vectors?.vector(w.surface);
            if (v) {
              let id = this.vocabIds.get(w.surface);
              if (id === undefined) {
                id = rows.length;
                this.vocabIds.set(w.surface, id);
                rows.push(v);
              }
              ids.add(id);
              const iw = this.specificity(w.surface) * BOOST[field];
              for (let d = 0; d < DIM; d++) centroid[d]! += iw * v[d]!;
              weight += iw;
            }
          }
        }
        tf[field] = m;
        len[field] = n;
      }
      for (const k of keys) this.df.set(k, (this.df.get(k) ?? 0) + 1);
      for (const k of keys) this.allKeys.add(k);
      return { article, tf, len, keys, headKeys, wordIds: Int32Array.from(ids), centroid: weight ? centroid : null };
    });
    // Support synonyms are words customers misspell too ("conection").
    for (const w of SYNONYMS.flat()) if (!this.vocabulary.has(w)) this.vocabulary.set(w, 0);
    this.vocabVectors = new Float32Array(rows.length * DIM);
    rows.forEach((v, i) => this.vocabVectors.set(v, i * DIM));
    this.avgLen = Object.fromEntries(FIELDS.map((f) => [f, this.docs.reduce((s, d) => s + d.len[f], 0) / Math.max(1, this.docs.length) || 1])) as Record<Field, number>;
  }

  get size(): number {
    return this.docs.length;
  }

  /** 1 for rare words, down to 0.25 for the commonest: how much a word tells about a question. */
  private specificity(surface: string): number {
    const r = this.vectors?.rank(surface);
    if (r === undefined) return 0.9;
    return Math.min(1, Math.max(0.25, Math.log(r + 50) / Math.log(60_000)));
  }

  private idf(key: string): number {
    const n = this.docs.length;
    const df = this.df.get(key) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** A word the articles do not use, replaced by the article word one typo away (two for long words). */
  correct(w: string): string {
    if (this.vocabulary.has(w) || w.length < 4 || /\d/.test(w) || STOP_WORDS.has(w)) return w;
    if (this.allKeys.has(stem(w)) || synonymsOf(stem(w)).length) return w;
    // A common English word is what the customer meant; only a swap of two letters is taken for a typo.
    const rank = this.vectors?.rank(w);
    const common = rank !== undefined && rank < 20_000;
    // Two typos in a long word, or in a six- or seven-letter one that is no English word ("tarrif").
    const max = w.length >= 8 || (w.length >= 6 && rank === undefined) ? 2 : 1;
    let best: { w: string; d: number; n: number } | null = null;
    for (const [v, n] of this.vocabulary) {
      if ((w.length === 4 || common) && !isSwap(w, v)) continue;
      const d = editDistance(w, v, max);
      if (d <= max && (!best || d < best.d || (d === best.d && n > best.n))) best = { w: v, d, n };
    }
    return best?.w ?? w;
  }

  /** The question's meaningful words, spelling corrected, with the words that may stand for each. */
  concepts(question: string): Concept[] {
    const corrected = question.replace(/[\p{L}\p{N}'-]+/gu, (token) => {
      const w = token.toLowerCase();
      return w.length >= 4 && /^[\p{L}'-]+$/u.test(w) ? this.correct(w) : token;
    });
    const { words, sentiment } = analyse(corrected);
    const byKey = new Map<string, Concept>();
    for (const w of words) {
      if (byKey.has(w.key)) continue;
      const alts = new Map<string, number>([[w.key, 1]]);
      for (const s of synonymsOf(w.key)) if (!alts.has(s)) alts.set(s, 0.6);
      const rel = new Map<string, number>();
      // Common words have many senses: their WordNet relations are mostly about the other ones.
      const rank = this.vectors?.rank(w.surface);
      for (const [r, weight] of rank !== undefined && rank < 3_000 ? [] : related(w.lemma)) {
        const k = stem(r);
        if (!alts.has(k) && this.allKeys.has(k)) rel.set(k, Math.max(rel.get(k) ?? 0, weight));
      }
      // The words standing for amounts, units and time spans say little about the topic on their own.
      const importance = PSEUDO_WORDS.has(w.surface) ? 0.3 : this.specificity(w.surface);
      byKey.set(w.key, { key: w.key, surface: w.surface, importance, alts, related: rel });
    }
    // Something told as what went wrong and how it felt is, for a knowledge base, a complaint.
    if (sentiment <= -0.25 && words.length >= 8 && !byKey.has(stem("complaint"))) {
      const alts = new Map([stem("complaint"), stem("complain")].map((k) => [k, 1] as [string, number]));
      byKey.set(stem("complaint"), { key: stem("complaint"), surface: "complaint", importance: 0.5, alts, related: new Map() });
    }
    return [...byKey.values()];
  }

  /** Every article with its features and model score, best first. */
  rank(question: string): { concepts: Concept[]; ranked: Scored[] } {
    const concepts = this.concepts(question);
    if (!concepts.length || !this.docs.length) return { concepts, ranked: [] };
    const total = concepts.reduce((s, c) => s + c.importance, 0);
    // Each question word's best similarity to each vocabulary word, once per question.
    const sims = concepts.map((c) => this.similarities(c.surface));
    const qCentroid = new Float32Array(DIM);
    let qWeight = 0;
    for (const c of concepts) {
      const v = this.vectors?.vector(c.surface);
      if (!v) continue;
      for (let d = 0; d < DIM; d++) qCentroid[d]! += c.importance * v[d]!;
      qWeight += c.importance;
    }
    // How much of the question the knowledge base as a whole speaks of (word or near word).
    const kbMatch = concepts.map((c, ci) => {
      if ([...c.alts.keys()].some((k) => this.allKeys.has(k))) return 1;
      const s = sims[ci];
      const best = s ? s.reduce((m, x) => Math.max(m, x), 0) : 0;
      return near(best);
    });
    const known = concepts.reduce((acc, c, ci) => acc + c.importance * kbMatch[ci]!, 0) / total;
    const bm25 = this.docs.map((doc) => this.bm25(doc, concepts));
    const maxBm25 = Math.max(...bm25);
    const idealBm25 = concepts.reduce((s, c) => s + c.importance * this.idf(c.key) * (K1 + 1) * BOOST.title, 0) || 1;
    const ranked = this.docs.map((doc, i): Scored => {
      let cov = 0;
      let head = 0;
      let soft = 0;
      let miss = 0;
      let wn = 0;
      concepts.forEach((c, ci) => {
        let lex = 0;
        let lexHead = 0;
        for (const [k, w] of c.alts) {
          if (doc.keys.has(k)) lex = Math.max(lex, w);
          if (doc.headKeys.has(k)) lexHead = Math.max(lexHead, w);
        }
        let best = 0;
        const s = sims[ci];
        if (s) for (const id of doc.wordIds) best = Math.max(best, s[id]!);
        const nearness = near(best);
        cov += c.importance * lex;
        head += c.importance * lexHead;
        soft += c.importance * Math.max(lex, nearness);
        let rel = 0;
        for (const [k, w] of c.related) if (doc.keys.has(k)) rel = Math.max(rel, w);
        wn += c.importance * Math.max(lex, rel);
        miss = Math.max(miss, c.importance * (1 - Math.max(lex, nearness)));
      });
      // Without a vector for any of the question's words, the words themselves are all there is.
      const centroid = qWeight && doc.centroid ? cosine(qCentroid, doc.centroid) : soft / total;
      const features: Features = {
        cov: cov / total,
        head: head / total,
        soft: soft / total,
        wordnet: wn / total,
        bm25rel: maxBm25 > 0 ? bm25[i]! / maxBm25 : 0,
        bm25abs: Math.min(1, bm25[i]! / idealBm25),
        centroid,
        miss,
        known,
      };
      return { article: doc.article, features, score: rankScore(features) };
    });
    ranked.sort((a, b) => b.score - a.score);
    return { concepts, ranked };
  }

  private bm25(doc: Doc, concepts: Concept[]): number {
    let score = 0;
    for (const c of concepts) {
      let best = 0;
      for (const [k, w] of c.alts) {
        let tfn = 0;
        for (const f of FIELDS) {
          const tf = doc.tf[f].get(k);
          if (tf) tfn += (BOOST[f] * tf) / (1 - B + (B * doc.len[f]) / this.avgLen[f]);
        }
        if (tfn) best = Math.max(best, w * this.idf(k) * ((tfn * (K1 + 1)) / (tfn + K1)));
      }
      score += c.importance * best;
    }
    return score;
  }

  private similarities(surface: string): Float32Array | null {
    const v = this.vectors?.vector(surface);
    if (!v) return null;
    const n = this.vocabIds.size;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * DIM;
      for (let d = 0; d < DIM; d++) s += v[d]! * this.vocabVectors[row + d]!;
      out[i] = s;
    }
    return out;
  }

  /** The best articles for a question, best first; the first carries the model's confidence. */
  query(question: string, limit = 3): ArticleHit[] {
    const { ranked } = this.rank(question);
    const input = confidenceInput(ranked);
    const confidence = input ? confidenceOf(input) : 0;
    return ranked.slice(0, limit).map((r, i) => ({
      id: r.article.id,
      title: r.article.title,
      body: r.article.body,
      score: r.score,
      coverage: r.features.cov,
      confidence: i === 0 ? confidence : 0,
    }));
  }
}

/** The learnt threshold: answer from the best article only at or above this probability. */
export const CONFIDENCE_THRESHOLD: number = MODEL.confidence.threshold;

export function confidentHit(hits: readonly ArticleHit[]): ArticleHit | null {
  const [best] = hits;
  return best && (best.confidence ?? 0) >= CONFIDENCE_THRESHOLD ? best : null;
}

/** How far below the best article (in rank-score units, a factor e^1.5 ≈ 4.5 in odds) another is still offered to the LLM. */
const LLM_WINDOW = 1.5;

/**
 * The articles the LLM may read for a query: none when the calibrated model finds even
 * the best unlikely (below half the answering threshold), so an off-topic question
 * leaves it nothing to cite; otherwise the best and those close behind it.
 */
export function plausibleHits(hits: readonly ArticleHit[]): ArticleHit[] {
  const [best] = hits;
  if (!best || (best.confidence ?? 0) < CONFIDENCE_THRESHOLD / 2) return [];
  return hits.filter((h) => best.score - h.score <= LLM_WINDOW);
}

/** Loads the language data (word vectors, WordNet) now, so that no customer's reply waits for it. */
export function warmUp(): void {
  wordVectors();
  related("warm");
}

/** What identifies one state of a knowledge base: the index is rebuilt only when it changes. */
export function articlesVersion(rows: readonly { id: string; updatedAt: Date }[]): string {
  return rows
    .map((r) => `${r.id}@${r.updatedAt.getTime()}`)
    .sort()
    .join(",");
}

/** The first sentences of an article, up to about `max` characters, never cutting a word. */
export function excerpt(body: string, max = 700): string {
  if (body.length <= max) return body;
  const cut = body.slice(0, max);
  const end = cut.lastIndexOf(". ");
  return (end > max / 3 ? cut.slice(0, end + 1) : cut.slice(0, cut.lastIndexOf(" "))) + " …";
}
