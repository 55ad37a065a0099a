// Prints the offline answerer's accuracy on the evaluation set (npm run eval:bot).
import { evaluateOffline } from "../tests/bot/evaluate.js";

const { accuracy, total, correct, failures } = evaluateOffline();
for (const f of failures) console.log(`  miss  [${f.tenant}] "${f.question}" → ${f.got ?? "(no answer)"}; expected ${f.expected ?? "(no answer)"}`);
console.log(`offline answerer: ${correct}/${total} correct (${(accuracy * 100).toFixed(1)}%)`);
