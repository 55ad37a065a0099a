// Prints the offline answerer's accuracy on the evaluation set (npm run eval:bot).
import { evaluateOffline } from "../tests/bot/evaluate.js";

const r = evaluateOffline();
const show = (e: string | null) => (e === null ? "(no answer)" : e);
for (const f of r.failures) console.log(`  miss  [${f.tenant}] ${JSON.stringify(f.question)} → ${show(f.got)}; expected ${show(f.expected)}`);
console.log("");
for (const [kind, k] of Object.entries(r.byKind)) console.log(`  ${kind.padEnd(11)} ${k.correct}/${k.total}`);
console.log(`\noffline answerer: ${r.correct}/${r.total} correct (${(r.accuracy * 100).toFixed(1)}%); wrong article given: ${r.wrongArticle.length}`);
