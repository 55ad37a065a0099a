// What the offline answerer costs a fresh process (npm run eval:bot:first-reply): time to
// load its language data, build one knowledge base's index and answer the first question,
// and the memory it adds. Run it in a process of its own: later answers reuse all of it.
// The bot creates its OfflineAssistant when it starts, which loads the language data in the
// background; "--cold" measures a first question asked before that finished.
export {};
const mb = () => Math.round(process.memoryUsage().rss / 1e6);
const rssStart = mb();
let t = performance.now();
const { ArticleIndex } = await import("../src/bot/assistant/article-index.js");
const { OfflineAssistant } = await import("../src/bot/assistant/offline.js");
const { DEMO_ARTICLES } = await import("../src/seed/demo-articles.js");
const modules = performance.now() - t;
const rssModules = mb();

const offline = new OfflineAssistant();
t = performance.now();
if (!process.argv.includes("--cold")) await new Promise((r) => setTimeout(r, 0));
const warm = performance.now() - t;

const articles = DEMO_ARTICLES["acme-insurance"]!.map((a, i) => ({ id: String(i), title: a.title, body: a.body, tags: a.tags }));
t = performance.now();
const index = new ArticleIndex(articles);
const build = performance.now() - t;

const tools = {
  searchKnowledgeBase: async (q: string) => index.query(q),
  openCase: async () => ({ case: { number: 1, subject: "", status: "OPEN", needsHuman: false }, created: true }),
  caseStatus: async () => [],
  addToCase: async () => null,
  requestHuman: async () => ({ case: { number: 1, subject: "", status: "OPEN", needsHuman: true }, created: true, alreadyWaiting: false }),
};
const ask = async (q: string) => {
  const s = performance.now();
  await offline.reply(q, tools, { tenantName: "Acme", locale: "en", openCase: null, history: [] });
  return performance.now() - s;
};
const first = await ask("water is leaking from a burst pipe, what should I do?");
const second = await ask("how long does a claim take?");
const f = (v: number) => `${v.toFixed(0)} ms`;
console.log(`modules (wink-nlp and its English model): ${f(modules)}`);
console.log(`language data (word vectors, WordNet) loaded at start: ${f(warm)}`);
console.log(`index of ${articles.length} articles: ${f(build)}`);
console.log(`first answer: ${f(first)}; the next: ${f(second)}`);
console.log(`first reply after the start: ${f(build + first)}`);
console.log(`memory (RSS): ${rssStart} MB at start, ${rssModules} MB with the modules, ${mb()} MB after the first answer`);
