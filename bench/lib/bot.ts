// The bot run: Telegram updates handled end to end. The fake Telegram Bot API
// (tests/support/fake-telegram.ts) runs in this process; Tandem runs as a child in
// webhook mode against it (TELEGRAM_API_ROOT, PUBLIC_URL), with the offline answerer
// (no OPENAI_API_KEY). Virtual customers post updates to Tandem's webhook the way
// Telegram does and wait for the bot's reply to reach the fake: an update counts as
// handled when its sendMessage arrives, so latency runs from the POST to that reply.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DEMO_ARTICLES } from "../../src/seed/demo-articles.js";
import { SYSTEM_ACTOR } from "../../src/domain/actor.js";
import { texts } from "../../src/bot/texts.js";
import { BotDirectory } from "../../src/tenants/bots.js";
import { Directory } from "../../src/tenants/directory.js";
import { TenantScopes } from "../../src/tenants/scoped-db.js";
import { SecretBox } from "../../src/tenants/secrets.js";
import { FakeTelegram, type RecordedCall } from "../../tests/support/fake-telegram.js";
import { cpuSince, cpuSnapshot } from "./cpu.js";
import { openDataset, type BenchTenant, type Dataset } from "./datasets.js";
import { readCounters } from "./load.js";
import { freePort, type ChildServer } from "./processes.js";
import { log, sleep } from "./util.js";

export interface BotRunOptions {
  /** Customers (private chats) talking to the bot at the same time. */
  concurrency: number;
  durationSec: number;
  warmupSec: number;
  /** An update whose reply has not arrived after this long counts as an error. */
  replyTimeoutMs: number;
  /** Must be the AUTH_SECRET the Tandem process gets: the bot token is encrypted with it. */
  authSecret: string;
}

/** Starts Tandem on `port` with `env` added to the usual benchmark environment. */
export type StartTandem = (extraEnv: Record<string, string>, port: number) => Promise<ChildServer>;

export interface BotMeasurement {
  tenant: string;
  /** Updates whose reply reached the fake Bot API, per second of the measured run. */
  updatesPerSec: number;
  handled: number;
  p50Ms: number | null;
  p99Ms: number | null;
  errors: number;
  /** Error breakdown: webhook answers other than 200, replies that never came, replies that were wrong. */
  errorKinds: { webhook: number; timeouts: number; wrongReply: number };
  /** Messages to a chat that was not waiting for one (e.g. a reply after its timeout). */
  unexpectedReplies: number;
  firstError?: string;
  sqlPerUpdate: number | null;
  peakRssBytes: number;
  serverCpuMsPerUpdate: number | null;
  dbCpuMsPerUpdate: number | null;
  /** What the measured updates were, by step of the conversation. */
  mix: Record<string, number>;
  articles: number;
}

const BOT_TELEGRAM_ID = 7_100_000_001;
const BOT_USERNAME = "bench_frontdesk_bot";

// ------------------------------------------------------------------ what customers say

/** Questions for the knowledge base (the acme-insurance demo articles, plus the seeded ones); a few have no answer. */
const QUESTIONS = [
  "How do I file a claim?",
  "what documents do i need to submit a claim",
  "how long does it take to process a claim",
  "I moved house, how do I update my address?",
  "why is my premium higher this year",
  "can I pay monthly by direct debit",
  "is there a fee to cancel?",
  "water is leaking from a burst pipe what should i do",
  "does my policy cover medical costs when travelling abroad",
  "how do i fiel a cliam",
  "which payment methods do you accept",
  "Refund not received, what should I do?",
  "do you insure cars?",
  "what are your office opening hours",
];

/** What customers write after /new: the case. */
const PROBLEMS = [
  "A storm broke two windows in my living room last night and rain came in.",
  "My direct debit was taken twice this month, please refund the duplicate payment.",
  "The renewal letter shows the wrong address, I moved in March.",
  "I sent the claim documents two weeks ago and have heard nothing since.",
  "My travel cover was not applied to my trip to Spain in August.",
];

/** Details added to the open case. */
const FOLLOW_UPS = [
  "My policy number is HX-48213 and it happened on Saturday around 10 pm.",
  "I attached the photos of the damage to the email I sent yesterday.",
  "The duplicate payment was 84.50 GBP, taken on the 3rd.",
  "You can reach me on this chat or by phone after 5 pm.",
  "The contractor says the repair will cost about 1,200 GBP.",
];

interface Step {
  kind: "question" | "new" | "follow-up" | "question-in-case" | "status";
  text: string;
  /** What a correct reply looks like (English texts, src/bot/texts.ts). */
  expect: RegExp;
}

const ANSWER_OR_NOT_FOUND = /\(From our help article “|could not find this in our help articles/;
const ADDED = /I added this to your case #\d+|You already have case #\d+ open/;

/**
 * One customer's conversation: a question, a new case, a detail for it, another
 * question while the case is open (it goes into the case), the status of their
 * cases. At most one answer can miss per chat, so the desk never hands over
 * (which would send a second message for one update).
 */
function conversation(n: number): Step[] {
  const pick = <T>(list: T[], salt: number) => list[(n * 7 + salt) % list.length]!;
  return [
    { kind: "question", text: pick(QUESTIONS, 0), expect: ANSWER_OR_NOT_FOUND },
    { kind: "new", text: `/new ${pick(PROBLEMS, 1)}`, expect: /^I opened case #\d+ for you/ },
    { kind: "follow-up", text: pick(FOLLOW_UPS, 2), expect: ADDED },
    { kind: "question-in-case", text: pick(QUESTIONS.slice(0, 11), 3), expect: ADDED },
    { kind: "status", text: "/status", expect: /^Your cases:\n#\d+ — / },
  ];
}

const FIRST = ["Maria", "John", "Aiko", "Peter", "Fatima", "Luis", "Olga", "Kwame", "Chen", "Sara"];
const LAST = ["Lopez", "Carter", "Tanaka", "Novak", "Khan", "Ortega", "Ivanova", "Mensah", "Wei", "Berg"];

/** A private-chat message update as Telegram sends it (commands carry a bot_command entity). */
function update(updateId: number, chatId: number, messageId: number, n: number, text: string): object {
  const from = { id: chatId, is_bot: false, first_name: FIRST[n % FIRST.length]!, last_name: LAST[(n >> 3) % LAST.length]!, language_code: "en" };
  const command = /^\/\w+/.exec(text);
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: from.first_name, last_name: from.last_name },
      from,
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    },
  };
}

// ------------------------------------------------------------------ replies arriving at the fake

interface Reply {
  text: string;
  at: number;
}

/** Hands each sendMessage the fake receives to the customer waiting in that chat. */
class ReplyWatcher {
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  unexpected = 0;

  constructor(fake: FakeTelegram, token: string) {
    // The fake records every call in `calls`: seeing the push is seeing the request arrive.
    const calls = fake.calls;
    const push = calls.push.bind(calls);
    calls.push = (...items: RecordedCall[]) => {
      const at = performance.now();
      for (const call of items) if (call.token === token && call.method === "sendMessage") this.arrived(Number(call.params.chat_id), String(call.params.text ?? ""), at);
      // Keep the fake's memory flat over a long run: only the latest calls stay.
      if (calls.length > 10_000) calls.splice(0, calls.length - 1_000);
      return push(...items);
    };
  }

  private arrived(chatId: number, text: string, at: number): void {
    const resolve = this.waiting.get(chatId);
    if (!resolve) {
      this.unexpected++;
      return;
    }
    this.waiting.delete(chatId);
    resolve({ text, at });
  }

  /** Registered before the update is posted: a reply may arrive before the webhook's answer. */
  expect(chatId: number, timeoutMs: number): { reply: Promise<Reply | null>; cancel(): void } {
    let timer: NodeJS.Timeout;
    const reply = new Promise<Reply | null>((resolve) => {
      timer = setTimeout(() => {
        this.waiting.delete(chatId);
        resolve(null);
      }, timeoutMs);
      this.waiting.set(chatId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    return {
      reply,
      cancel: () => {
        clearTimeout(timer);
        this.waiting.delete(chatId);
      },
    };
  }
}

// ------------------------------------------------------------------ the load

interface Tally {
  handled: number;
  latencies: number[];
  webhook: number;
  timeouts: number;
  wrongReply: number;
  firstError?: string;
  mix: Record<string, number>;
}

interface Target {
  webhookUrl: string;
  secret: string;
  watcher: ReplyWatcher;
  timeoutMs: number;
}

/** The measured part of a run (performance.now() ms); set by the caller while the customers keep talking. */
interface Window {
  start: number;
  end: number;
}

/** Ids unique to this run, so nothing collides with rows an earlier run left behind. */
let nextChat = 0;
let nextUpdateId = Math.floor(Date.now() / 1000) * 1000;
const chatBase = 6_000_000_000 + (Date.now() % 100_000) * 100_000;
const ERROR_TEXT = texts("en").error;

/**
 * `concurrency` customers, each starting a new chat when a conversation is over,
 * until `stopAt`; then the updates in flight finish. Only what happens inside the
 * window counts: replies that arrive in it, and failures of updates sent in it.
 */
async function drive(target: Target, concurrency: number, stopAt: number, window: Window): Promise<Tally> {
  const tally: Tally = { handled: 0, latencies: [], webhook: 0, timeouts: 0, wrongReply: 0, mix: {} };
  const inWindow = (t: number) => t >= window.start && t < window.end;
  const fail = (message: string) => {
    tally.firstError ??= message;
  };
  const customer = async () => {
    while (performance.now() < stopAt) {
      const n = nextChat++;
      const chatId = chatBase + n;
      let messageId = 1;
      for (const step of conversation(n)) {
        if (performance.now() >= stopAt) break;
        const body = JSON.stringify(update(nextUpdateId++, chatId, messageId++, n, step.text));
        const waiter = target.watcher.expect(chatId, target.timeoutMs);
        const sentAt = performance.now();
        let status = 0;
        let answer = "";
        try {
          const res = await fetch(target.webhookUrl, {
            method: "POST",
            headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": target.secret },
            body,
          });
          status = res.status;
          answer = await res.text();
        } catch (err) {
          answer = (err as Error).message;
        }
        if (status !== 200) {
          waiter.cancel();
          if (inWindow(sentAt)) {
            tally.webhook++;
            fail(`webhook answered ${status || "nothing"} to a ${step.kind} update: ${answer.slice(0, 300)}`);
          }
          break;
        }
        const reply = await waiter.reply;
        if (!reply) {
          if (inWindow(sentAt)) {
            tally.timeouts++;
            fail(`no reply within ${target.timeoutMs / 1000} s to a ${step.kind} update (${JSON.stringify(step.text)})`);
          }
          // A late reply would be taken for the next step's: this customer starts over in a new chat.
          break;
        }
        if (!inWindow(reply.at)) continue;
        tally.mix[step.kind] = (tally.mix[step.kind] ?? 0) + 1;
        if (reply.text === ERROR_TEXT || !step.expect.test(reply.text)) {
          tally.wrongReply++;
          fail(`unexpected reply to a ${step.kind} update (${JSON.stringify(step.text)}): ${JSON.stringify(reply.text.slice(0, 300))}`);
          continue;
        }
        tally.handled++;
        tally.latencies.push(reply.at - sentAt);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, customer));
  return tally;
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ------------------------------------------------------------------ set-up

/** The acme-insurance demo articles, written for the bot's tenant (removed again by the next run's clean-up). */
async function prepare(ds: Dataset, tenant: BenchTenant, token: string, apiRoot: string, authSecret: string): Promise<{ botId: string; articles: number }> {
  const database = await openDataset(ds);
  try {
    const articles = DEMO_ARTICLES["acme-insurance"] ?? [];
    await database.sql.query(`DELETE FROM "KnowledgeArticle" WHERE "tenantId" = $1 AND id LIKE 'abot%'`, [tenant.id]);
    for (const [i, a] of articles.entries()) {
      await database.sql.query(
        `INSERT INTO "KnowledgeArticle" ("tenantId", id, title, body, tags, published, "createdAt", "updatedAt")
         VALUES ($1, 'abot' || substr(md5($1 || ':bot-article:' || $2::text), 1, 21), $3, $4, $5, $6, now(), now())`,
        [tenant.id, i, a.title, a.body, a.tags, a.published ?? true],
      );
    }
    const published = (await database.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "KnowledgeArticle" WHERE "tenantId" = $1 AND published`, [tenant.id]))[0]!.n;
    // Connected the way `tandem bot connect` does it: getMe against the (fake) Bot API, token sealed with AUTH_SECRET.
    const scopes = new TenantScopes(database.prisma);
    const bots = new BotDirectory(database.prisma, scopes, new Directory(database.prisma, scopes), new SecretBox(authSecret), apiRoot);
    const bot = await bots.connect(tenant.slug, token, SYSTEM_ACTOR);
    return { botId: bot.id, articles: Number(published) };
  } finally {
    await database.close();
  }
}

async function webhookOf(fake: FakeTelegram, token: string, server: ChildServer): Promise<{ url: string; secret: string }> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const hook = fake.webhookOf(token);
    if (hook?.url && hook.secret) return { url: hook.url, secret: hook.secret };
    await sleep(100);
  }
  throw new Error(`Tandem did not set the bot's webhook within 60 s:\n${server.output()}`);
}

/** The whole bot run on one dataset: fake Bot API, bot connected, Tandem started, warm-up, measurement. */
export async function measureBot(ds: Dataset, options: BotRunOptions, startTandem: StartTandem): Promise<BotMeasurement> {
  // The last tenant: scenarios 1–4 use the first two.
  const tenant = ds.apiKeys[ds.apiKeys.length - 1]!;
  const fake = new FakeTelegram();
  await fake.start();
  const token = `${BOT_TELEGRAM_ID}:${randomBytes(27).toString("base64url")}`;
  fake.addBot(token, { id: BOT_TELEGRAM_ID, username: BOT_USERNAME });
  let server: ChildServer | null = null;
  try {
    const { botId, articles } = await prepare(ds, tenant, token, fake.url, options.authSecret);
    const port = await freePort();
    server = await startTandem({ TELEGRAM_API_ROOT: fake.url, PUBLIC_URL: `http://127.0.0.1:${port}`, OPENAI_API_KEY: "" }, port);
    const hook = await webhookOf(fake, token, server);
    const expected = `${server.url}/telegram/${botId}`;
    if (hook.url !== expected) throw new Error(`The bot's webhook is ${hook.url}, expected ${expected}`);
    const target: Target = { webhookUrl: hook.url, secret: hook.secret, watcher: new ReplyWatcher(fake, token), timeoutMs: options.replyTimeoutMs };

    // One continuous run: the warm-up's customers are mid-conversation when the measured window opens.
    const database = ds.spec.engine === "postgres" ? ds.spec.name : undefined;
    const window: Window = { start: Infinity, end: Infinity };
    const begun = performance.now();
    const stopAt = begun + (options.warmupSec + options.durationSec) * 1000;
    const driving = drive(target, options.concurrency, stopAt, window);
    await sleep(options.warmupSec * 1000);
    const before = await readCounters(server, "tandem");
    const cpuBefore = cpuSnapshot(server.pid, database);
    const unexpectedBefore = target.watcher.unexpected;
    server.memory.start();
    window.start = performance.now();
    await sleep(Math.max(0, stopAt - performance.now()));
    window.end = performance.now();
    const peakRssBytes = server.memory.stop();
    const cpu = cpuSince(cpuBefore, server.pid, database);
    const after = await readCounters(server, "tandem");
    const unexpected = target.watcher.unexpected - unexpectedBefore;
    // The updates still in flight finish (they are not counted) before Tandem is stopped.
    const tally = await driving;
    const seconds = (window.end - window.start) / 1000;
    const latencies = tally.latencies.sort((a, b) => a - b);
    // Updates the bot answered (correctly or not) in the window: what the SQL and CPU were spent on.
    const measured = tally.handled + tally.wrongReply;
    const perUpdate = (ms: number | null) => (ms !== null && measured > 0 ? ms / measured : null);
    return {
      tenant: tenant.slug,
      updatesPerSec: seconds > 0 ? tally.handled / seconds : 0,
      handled: tally.handled,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      errors: tally.webhook + tally.timeouts + tally.wrongReply,
      errorKinds: { webhook: tally.webhook, timeouts: tally.timeouts, wrongReply: tally.wrongReply },
      unexpectedReplies: unexpected,
      firstError: tally.firstError,
      // Every statement the process sent meanwhile (the bot's upkeep sweep included), per update answered.
      sqlPerUpdate: measured > 0 ? (after.statements - before.statements) / measured : null,
      peakRssBytes,
      serverCpuMsPerUpdate: perUpdate(cpu.serverMs),
      dbCpuMsPerUpdate: perUpdate(cpu.dbMs),
      mix: tally.mix,
      articles,
    };
  } finally {
    await server?.stop();
    await fake.stop();
  }
}
