// A whole front desk: Tandem's HTTP server with the bot registry, two tenants with
// the demo knowledge bases, a bot each, the fake Bot API and (optionally) a fake LLM.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BotRegistry, type UpdateMode } from "../../src/bot/registry.js";
import { SYSTEM_ACTOR } from "../../src/domain/actor.js";
import { DEMO_ARTICLES } from "../../src/seed/demo-articles.js";
import { createApi, startHttpServer } from "../../src/server.js";
import type { ConnectedBot } from "../../src/tenants/bots.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { FAKE_OPENAI_KEY, FakeOpenAI } from "../support/fake-openai.js";
import { FakeTelegram } from "../support/fake-telegram.js";

export const TOKEN_A = "111111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
export const TOKEN_B = "222222:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

export interface Harness {
  app: TestApp;
  telegram: FakeTelegram;
  llm: FakeOpenAI | null;
  registry: BotRegistry;
  botA: ConnectedBot;
  botB: ConnectedBot;
  url: string;
  /** Posts an update to a bot's webhook; returns the HTTP status. */
  post(bot: ConnectedBot, update: object, secret?: string | null): Promise<number>;
  /** A customer writes text in their private chat; waits until it is processed. */
  say(bot: ConnectedBot, user: number, text: string): Promise<void>;
  /** Posts any update (its update_id is added) and waits until it is processed. */
  send(bot: ConnectedBot, update: object): Promise<number>;
  tap(bot: ConnectedBot, user: number, data: string): Promise<void>;
  /** The texts the bot sent to a chat since `from` calls. */
  textsTo(bot: ConnectedBot, chat: number, from?: number): string[];
  close(): Promise<void>;
}

let updateId = 1;

export const from = (user: number) => ({ id: user, is_bot: false, first_name: `User${user}`, language_code: "en" });

/** A text message from a user in their private chat, with command entities like Telegram sends. */
export function textMessage(user: number, text: string, chat: object = { id: user, type: "private", first_name: `User${user}` }) {
  const entities = text.startsWith("/") ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] : undefined;
  return { message_id: nextUpdateId(), date: Math.floor(Date.now() / 1000), chat, from: from(user), text, ...(entities ? { entities } : {}) };
}

export async function createHarness(options: { llm?: boolean; mode?: UpdateMode } = {}): Promise<Harness> {
  const telegram = new FakeTelegram();
  await telegram.start();
  telegram.addBot(TOKEN_A, { id: 111111, username: "acme_desk_bot" });
  telegram.addBot(TOKEN_B, { id: 222222, username: "globex_desk_bot" });
  const llm = options.llm ? new FakeOpenAI() : null;
  await llm?.start();
  const app = await createTestApp({
    telegram: { apiRoot: telegram.url },
    openai: llm ? { apiKey: FAKE_OPENAI_KEY, baseUrl: llm.url, model: "test-model", timeoutMs: 1_500 } : { model: "none", timeoutMs: 1_000 },
  });
  for (const [slug, source] of [["desk-a", "acme-insurance"], ["desk-b", "globex-telecom"]] as const) {
    const t = await app.tenant(slug);
    await app.services.scopes.forTenant(t.id).tx(async (tx) => {
      for (const a of DEMO_ARTICLES[source]!) await tx.knowledgeArticle.create({ data: { tenantId: t.id, title: a.title, body: a.body, tags: a.tags, published: a.published ?? true } });
    });
  }
  const botA = await app.services.bots.connect("desk-a", TOKEN_A, SYSTEM_ACTOR);
  const botB = await app.services.bots.connect("desk-b", TOKEN_B, SYSTEM_ACTOR);
  const registry = new BotRegistry(app.services, { mode: options.mode ?? "off" });
  await registry.start();
  const server: Server = await startHttpServer(createApi(app.services, registry), 0, "127.0.0.1");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const post = async (bot: ConnectedBot, update: object, secret: string | null = bot.webhookSecret) => {
    const res = await fetch(`${url}/telegram/${bot.id}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
      body: JSON.stringify(update),
    });
    await res.text();
    return res.status;
  };
  const h: Harness = {
    app,
    telegram,
    llm,
    registry,
    botA,
    botB,
    url,
    post,
    async say(bot, user, text) {
      await post(bot, { update_id: updateId++, message: textMessage(user, text) });
      await registry.drain();
    },
    async send(bot, update) {
      const status = await post(bot, { update_id: updateId++, ...update });
      await registry.drain();
      return status;
    },
    async tap(bot, user, data) {
      await post(bot, {
        update_id: updateId++,
        callback_query: {
          id: `cb${updateId}`,
          from: from(user),
          chat_instance: "x",
          data,
          message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: user, type: "private" }, text: "…" },
        },
      });
      await registry.drain();
    },
    textsTo(bot, chat, fromIndex = 0) {
      const token = bot.id === botA.id ? TOKEN_A : TOKEN_B;
      return telegram.calls
        .slice(fromIndex)
        .filter((c) => c.token === token && c.method === "sendMessage" && Number(c.params.chat_id) === chat)
        .map((c) => c.params.text as string);
    },
    async close() {
      await registry.stop();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await app.close();
      await telegram.stop();
      await llm?.stop();
    },
  };
  return h;
}

export function nextUpdateId(): number {
  return updateId++;
}
