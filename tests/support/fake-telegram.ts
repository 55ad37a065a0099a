// A fake Telegram Bot API over real HTTP. It records every call and answers the way
// Telegram does, including its refusals: unknown tokens (401), text that is empty or
// over 4096 characters, button data over 64 bytes (400), chats that blocked the bot
// (403), getUpdates while a webhook is set (409), and 429 with retry_after or 5xx
// when told to fail. getUpdates long-polls a queue of updates, like the real server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  token: string;
  method: string;
  params: Record<string, any>;
}

interface FakeBot {
  id: number;
  username: string;
  webhook: { url: string; secret?: string } | null;
  updates: object[];
  /** Long-polling requests waiting for updates. */
  waiting: Set<() => void>;
}

type Failure = { method: string; status: number; retryAfter?: number; description?: string; match?: (params: Record<string, any>) => boolean };

const LIMIT = 4096;

export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  private server: Server | null = null;
  private readonly bots = new Map<string, FakeBot>();
  private readonly failures: Failure[] = [];
  private readonly blocked = new Set<number>();
  private messageId = 1000;
  url = "";

  addBot(token: string, bot: { id: number; username: string }): void {
    this.bots.set(token, { ...bot, webhook: null, updates: [], waiting: new Set() });
  }

  /**
   * The next `times` calls of `method` (those `match` accepts, if given) fail with this
   * status (429 carries retry_after seconds). Status 0 drops the connection without an
   * answer, as a network failure does.
   */
  failNext(method: string, status: number, retryAfter?: number, times = 1, match?: (params: Record<string, any>) => boolean): void {
    for (let i = 0; i < times; i++) this.failures.push({ method, status, retryAfter, match });
  }

  /** The customer in this private chat blocked the bot: sends to it get 403. */
  block(chatId: number): void {
    this.blocked.add(chatId);
  }

  /** Queues an update for getUpdates (long polling). */
  queueUpdate(token: string, update: object): void {
    const bot = this.bots.get(token)!;
    bot.updates.push(update);
    for (const wake of bot.waiting) wake();
  }

  webhookOf(token: string): { url: string; secret?: string } | null {
    return this.bots.get(token)?.webhook ?? null;
  }

  sent(method = "sendMessage"): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const reply = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const refuse = (status: number, description: string, parameters?: object) => reply(status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    if (!m) return refuse(404, "Not Found");
    const [, token, method] = m as unknown as [string, string, string];
    let params: Record<string, any> = {};
    try {
      params = raw ? JSON.parse(raw) : {};
    } catch {
      params = Object.fromEntries(new URLSearchParams(raw));
    }
    this.calls.push({ token, method, params });
    const bot = this.bots.get(token);
    if (!bot) return refuse(401, "Unauthorized");
    const failure = this.failures.findIndex((f) => f.method === method && (!f.match || f.match(params)));
    if (failure >= 0) {
      const f = this.failures.splice(failure, 1)[0]!;
      if (f.status === 0) return void req.socket.destroy();
      if (f.status === 429) return refuse(429, `Too Many Requests: retry after ${f.retryAfter ?? 1}`, { retry_after: f.retryAfter ?? 1 });
      return refuse(f.status, f.description ?? (f.status >= 500 ? "Internal Server Error" : "Bad Request"));
    }
    const problem = this.validate(method, params);
    if (problem) return refuse(problem[0], problem[1]);
    if (method === "getUpdates") {
      if (bot.webhook) return refuse(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      return reply(200, { ok: true, result: await this.getUpdates(bot, params, req) });
    }
    reply(200, { ok: true, result: this.result(bot, method, params) });
  }

  /** Telegram's own checks on what a bot sends. */
  private validate(method: string, params: Record<string, any>): [number, string] | null {
    if (method === "sendMessage" || method === "editMessageText") {
      const text = typeof params.text === "string" ? params.text : "";
      if (!text.trim()) return [400, "Bad Request: message text is empty"];
      // Telegram counts UTF-16 code units, as JavaScript does.
      if (text.length > LIMIT) return [400, "Bad Request: message is too long"];
    }
    if (method === "sendMessage") {
      if (params.chat_id === undefined) return [400, "Bad Request: chat_id is empty"];
      if (this.blocked.has(Number(params.chat_id))) return [403, "Forbidden: bot was blocked by the user"];
    }
    const buttons = (params.reply_markup?.inline_keyboard ?? []).flat() as { text?: string; callback_data?: string }[];
    for (const b of buttons) {
      if (!b.text) return [400, "Bad Request: text buttons are unallowed in the inline keyboard"];
      if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > 64) return [400, "Bad Request: BUTTON_DATA_INVALID"];
    }
    if (method === "answerCallbackQuery") {
      if (!params.callback_query_id) return [400, "Bad Request: query is too old and response timeout expired or query ID is invalid"];
      if (typeof params.text === "string" && params.text.length > 200) return [400, "Bad Request: MESSAGE_TOO_LONG"];
    }
    if (method === "setWebhook" && params.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(params.secret_token)) {
      return [400, "Bad Request: secret token contains unallowed characters"];
    }
    return null;
  }

  private async getUpdates(bot: FakeBot, params: Record<string, any>, req: IncomingMessage): Promise<object[]> {
    const offset = Number(params.offset ?? 0);
    // Confirming an offset forgets the updates before it, as Telegram does.
    bot.updates = bot.updates.filter((u) => (u as { update_id: number }).update_id >= offset);
    if (!bot.updates.length && Number(params.timeout ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(Number(params.timeout) * 1000, 30_000));
        function done() {
          clearTimeout(timer);
          bot.waiting.delete(done);
          resolve();
        }
        bot.waiting.add(done);
        req.on("close", done);
      });
    }
    return bot.updates.slice(0, Number(params.limit ?? 100));
  }

  private result(bot: FakeBot, method: string, params: Record<string, any>): unknown {
    switch (method) {
      case "getMe":
        return { id: bot.id, is_bot: true, first_name: bot.username, username: bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case "sendMessage":
        return { message_id: ++this.messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(params.chat_id), type: Number(params.chat_id) > 0 ? "private" : "group" }, text: params.text };
      case "setWebhook":
        bot.webhook = { url: params.url, secret: params.secret_token };
        return true;
      case "deleteWebhook":
        bot.webhook = null;
        return true;
      case "getWebhookInfo":
        return { url: bot.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0 };
      default:
        return true;
    }
  }

  async stop(): Promise<void> {
    for (const bot of this.bots.values()) for (const wake of bot.waiting) wake();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }
}
