// Learns the front desk's ranking and confidence from the development sets and writes
// src/bot/assistant/ranking-model.json (npm run calibrate:bot). Held-out sets are never
// read. Two small models, both plain logistic ones:
//   1. rank: weights of the article features, fitted so that the right article scores
//      highest (a softmax over each question's articles, i.e. conditional logit);
//   2. confidence: from the best score, its lead over the runner-up and the best
//      article's coverage, the probability that the best article is the right answer
//      (off-topic questions and wrong best articles are the negatives), and the
//      threshold on it that maximises right answers plus declined off-topic questions.
// Each knowledge base counts equally, whatever its number of questions. Before the
// final fit on all of them, it is cross-validated leaving one knowledge base out:
// the figures printed for each are what the learnt model does on a company it was not
// fitted on.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ArticleIndex, CONFIDENCE_FEATURES, confidenceInput, FEATURES, type ConfidenceInput, type Features } from "../src/bot/assistant/article-index.js";
import { detectIntent } from "../src/bot/assistant/intents.js";
import { wordVectors } from "../src/bot/assistant/word-vectors.js";
import { loadEvalSets } from "../tests/bot/evaluate.js";

interface Sample {
  group: string;
  weight: number;
  /** No article answers it. */
  offTopic: boolean;
  /** Index of the right article among `features`, or -1. */
  right: number;
  features: Features[];
}

const L2_RANK = 0.001;
const L2_CONF = 0.0005;

function collect(): Sample[] {
  const vectors = wordVectors();
  const samples: Sample[] = [];
  // demo and demo-later ask the same knowledge bases: one group.
  const groupOf = (name: string) => (name.startsWith("demo") ? "demo" : name);
  const sets = loadEvalSets({ devOnly: true });
  const counts = new Map<string, number>();
  for (const set of sets) for (const q of set.questions) if (!q.expected?.startsWith("@")) counts.set(groupOf(set.name), (counts.get(groupOf(set.name)) ?? 0) + 1);
  for (const set of sets) {
    const group = groupOf(set.name);
    const indexes = new Map(Object.entries(set.bases).map(([b, a]) => [b, new ArticleIndex(a, { vectors })]));
    for (const q of set.questions) {
      if (q.expected?.startsWith("@")) continue;
      // Questions the intent rules take are never ranked by the bot.
      if (detectIntent(q.q) !== "question" && q.expected === null) continue;
      const { ranked } = indexes.get(q.base)!.rank(q.q);
      if (!ranked.length) {
        samples.push({ group, weight: 1 / counts.get(group)!, offTopic: q.expected === null, right: -1, features: [] });
        continue;
      }
      const right = q.expected === null ? -1 : ranked.findIndex((r) => r.article.title === q.expected);
      samples.push({ group, weight: 1 / counts.get(group)!, offTopic: q.expected === null, right, features: ranked.map((r) => r.features) });
    }
  }
  return samples;
}

const dot = (w: Record<string, number>, f: Record<string, number>, keys: readonly string[]) => keys.reduce((s, k) => s + (w[k] ?? 0) * f[k]!, 0);

/** Conditional logit: maximise the weighted log-probability of the right article. */
function fitRank(samples: Sample[]): Record<string, number> {
  const w: Record<string, number> = Object.fromEntries(FEATURES.map((k) => [k, 0]));
  const train = samples.filter((s) => s.right >= 0);
  const total = train.reduce((s, x) => s + x.weight, 0);
  for (let it = 0; it < 3000; it++) {
    const grad: Record<string, number> = Object.fromEntries(FEATURES.map((k) => [k, -2 * L2_RANK * w[k]!]));
    for (const s of train) {
      const scores = s.features.map((f) => dot(w, f, FEATURES));
      const max = Math.max(...scores);
      const exps = scores.map((x) => Math.exp(x - max));
      const z = exps.reduce((a, b) => a + b, 0);
      for (const k of FEATURES) {
        const expected = s.features.reduce((acc, f, i) => acc + (exps[i]! / z) * f[k]!, 0);
        grad[k]! += (s.weight / total) * (s.features[s.right]![k]! - expected);
      }
    }
    for (const k of FEATURES) w[k]! += 2 * grad[k]!;
  }
  return w;
}

function confidenceRow(s: Sample, w: Record<string, number>): { x: ConfidenceInput; y: number; weight: number } | null {
  if (!s.features.length) return null;
  const scored = s.features.map((features, i) => ({ i, features, score: dot(w, features, FEATURES) })).sort((a, b) => b.score - a.score);
  const x = confidenceInput(scored.map((r) => ({ article: { id: "", title: "", body: "", tags: [] }, features: r.features, score: r.score })))!;
  return { x, y: s.right === scored[0]!.i ? 1 : 0, weight: s.weight };
}

/** Solves A x = b (small, dense) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Weighted, L2-regularised logistic regression by Newton's method (IRLS). */
function fitConfidence(rows: { x: ConfidenceInput; y: number; weight: number }[]): { bias: number; weights: Record<string, number> } {
  const keys = CONFIDENCE_FEATURES;
  const total = rows.reduce((s, r) => s + r.weight, 0);
  const X = rows.map((r) => [1, ...keys.map((k) => r.x[k])]);
  let theta = new Array<number>(keys.length + 1).fill(0);
  for (let it = 0; it < 50; it++) {
    const n = theta.length;
    const g = theta.map((t, j) => (j ? -2 * L2_CONF * t : 0));
    const H = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j && i ? 2 * L2_CONF : 0)));
    rows.forEach((r, i) => {
      const xi = X[i]!;
      const p = 1 / (1 + Math.exp(-xi.reduce((s, v, j) => s + v * theta[j]!, 0)));
      const w = r.weight / total;
      for (let j = 0; j < n; j++) {
        g[j]! += w * (r.y - p) * xi[j]!;
        for (let k = 0; k < n; k++) H[j]![k]! += w * p * (1 - p) * xi[j]! * xi[k]!;
      }
    });
    const step = solve(H, g);
    theta = theta.map((t, j) => t + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { bias: theta[0]!, weights: Object.fromEntries(keys.map((k, j) => [k, theta[j + 1]!])) };
}

interface Figures {
  right: number;
  inScope: number;
  declined: number;
  offTopic: number;
  wrong: number;
}

function decide(samples: Sample[], rank: Record<string, number>, conf: { bias: number; weights: Record<string, number> }, threshold: number): Figures {
  const f: Figures = { right: 0, inScope: 0, declined: 0, offTopic: 0, wrong: 0 };
  for (const s of samples) {
    const row = confidenceRow(s, rank);
    const p = row ? 1 / (1 + Math.exp(-(conf.bias + dot(conf.weights, row.x, CONFIDENCE_FEATURES)))) : 0;
    const answered = !!row && p >= threshold;
    if (s.offTopic) {
      f.offTopic += s.weight;
      if (!answered) f.declined += s.weight;
      else f.wrong += s.weight;
    } else {
      f.inScope += s.weight;
      if (answered && row!.y === 1) f.right += s.weight;
      else if (answered) f.wrong += s.weight;
    }
  }
  return f;
}

/** The threshold maximising right answers plus declined off-topic questions (as rates). */
function chooseThreshold(samples: Sample[], rank: Record<string, number>, conf: { bias: number; weights: Record<string, number> }): number {
  let best = { t: 0.5, j: -Infinity };
  for (let t = 0.02; t <= 0.981; t += 0.01) {
    const f = decide(samples, rank, conf, t);
    const j = f.right / f.inScope + f.declined / f.offTopic;
    if (j > best.j + 1e-9) best = { t, j };
  }
  return Math.round(best.t * 100) / 100;
}

function fitAll(samples: Sample[]) {
  const rank = fitRank(samples);
  const rows = samples.map((s) => confidenceRow(s, rank)).filter((r): r is NonNullable<typeof r> => !!r);
  const confidence = fitConfidence(rows);
  const threshold = chooseThreshold(samples, rank, confidence);
  return { rank, confidence, threshold };
}

const samples = collect();
const groups = [...new Set(samples.map((s) => s.group))];
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)} %`;
console.log("cross-validation, one knowledge base left out (fitted on the others):");
for (const g of groups) {
  const m = fitAll(samples.filter((s) => s.group !== g));
  const f = decide(samples.filter((s) => s.group === g), m.rank, m.confidence, m.threshold);
  console.log(`  ${g.padEnd(12)} in-scope right ${pct(f.right, f.inScope)}, off-topic declined ${pct(f.declined, f.offTopic)} (threshold ${m.threshold})`);
}
const model = fitAll(samples);
const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
const out = {
  note: "Written by scripts/calibrate-bot.ts from the development sets; do not edit by hand.",
  rank: { weights: round(model.rank) },
  confidence: { bias: Math.round(model.confidence.bias * 1000) / 1000, weights: round(model.confidence.weights), threshold: model.threshold },
};
for (const g of groups) {
  const f = decide(samples.filter((s) => s.group === g), model.rank, model.confidence, model.threshold);
  console.log(`fitted on all: ${g.padEnd(12)} in-scope right ${pct(f.right, f.inScope)}, off-topic declined ${pct(f.declined, f.offTopic)}`);
}
console.log(JSON.stringify(out, null, 2));
if (!process.argv.includes("--dry-run")) {
  writeFileSync(join(fileURLToPath(new URL(".", import.meta.url)), "../src/bot/assistant/ranking-model.json"), JSON.stringify(out, null, 2) + "\n");
}
