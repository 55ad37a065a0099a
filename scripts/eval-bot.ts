// Prints how the offline answerer does on every evaluation set (npm run eval:bot).
//   --dev-only               skip held-out sets (use this while tuning)
//   --show-held-out-misses   also print held-out sets' questions that were missed
//                            (never while tuning: a held-out set is for reporting only)
//   --json                   one JSON object per set instead of the report (no held-out misses)
import { evaluateSet, loadEvalSets, rate, type Outcome, type SetResult } from "../tests/bot/evaluate.js";

const args = new Set(process.argv.slice(2));
const known = new Set(["--dev-only", "--show-held-out-misses", "--json"]);
for (const a of args) {
  if (!known.has(a)) {
    console.error(`Unknown option ${a}. Options: ${[...known].join(", ")}.`);
    process.exit(2);
  }
}
const devOnly = args.has("--dev-only");
const showHeldOut = args.has("--show-held-out-misses");

const pct = (n: number, of: number) => `${n}/${of} (${(rate(n, of) * 100).toFixed(1)} %)`;
const show = (e: string | null) => (e === null ? "(no answer)" : e);
const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;

function missLine(o: Outcome): string {
  return `    [${o.kind}] ${JSON.stringify(o.q)} → ${show(o.got)}; expected ${show(o.expected)}`;
}

function report(r: SetResult, company: string, field: string): void {
  console.log(`\n== ${r.name} (${r.role}) — ${company}, ${field}: ${r.articles} articles, ${r.outcomes.length} questions`);
  console.log(`  in-scope, right article   ${pct(r.inScope.right, r.inScope.total)}`);
  console.log(`  off-topic, declined       ${pct(r.offTopic.declined, r.offTopic.total)}`);
  if (r.intents.total) console.log(`  intents, right action     ${pct(r.intents.right, r.intents.total)}`);
  const wrongOff = r.wrongArticle.filter((o) => o.expected === null).length;
  console.log(`  wrong article given       ${r.wrongArticle.length} (${r.wrongArticle.length - wrongOff} in scope, ${wrongOff} off-topic)`);
  console.log(`  per kind                  ${Object.entries(r.byKind).map(([k, v]) => `${k} ${v.right}/${v.total}`).join(", ")}`);
  console.log(`  decision latency          p50 ${ms(r.latency.p50)}, p95 ${ms(r.latency.p95)}, max ${ms(r.latency.max)}; index built in ${ms(r.buildMs)}`);
  if (r.role === "held-out" && !showHeldOut) return;
  if (r.misses.length) {
    console.log("  misses:");
    for (const o of r.misses) console.log(missLine(o));
  }
}

const sets = loadEvalSets({ devOnly });
const results: SetResult[] = [];
for (const set of sets) {
  const r = await evaluateSet(set);
  results.push(r);
  if (args.has("--json")) {
    const { outcomes, misses, wrongArticle, ...figures } = r;
    const detail = r.role === "held-out" && !showHeldOut ? {} : { misses: misses.map(({ q, kind, expected, got }) => ({ q, kind, expected, got })) };
    console.log(JSON.stringify({ ...figures, wrongArticle: wrongArticle.length, ...detail }));
  } else report(r, set.company, set.field);
}
if (!args.has("--json")) {
  console.log("\nsummary: set — in-scope right / off-topic declined / wrong article / p50");
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(16)} ${(rate(r.inScope.right, r.inScope.total) * 100).toFixed(1).padStart(5)} % / ${(rate(r.offTopic.declined, r.offTopic.total) * 100).toFixed(1).padStart(5)} % / ${String(r.wrongArticle.length).padStart(3)} / ${ms(r.latency.p50)}  (${r.role})`,
    );
  }
}
