// A fake Telegram Bot API over real HTTP: records every call, answers like Telegram
// (including 401 for unknown tokens and 429 with retry_after when told to).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  token: string;
  method: string;
  params: Record<string, any>;
}

export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  private server: Server | null = null;
  private readonly bots = new Map<string, { id: number; username: string }>();
  private readonly failures: { method: string; status: number; retryAfter?: number }[] = [];
  private messageId = 1000;
  url = "";

  addBot(token: string, bot: { id: number; username: string }): void {
    this.bots.set(token, bot);
  }

  /** The next call of `method` fails once with this status (429 carries retry_after). */
  failNext(method: string, status: number, retryAfter?: number): void {
    this.failures.push({ method, status, retryAfter });
  }

  sent(method = "sendMessage"): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (!m) return reply(404, { ok: false, error_code: 404, description: "Not Found" });
        const [, token, method] = m as unknown as [string, string, string];
        let params: Record<string, any> = {};
        try {
          params = raw ? JSON.parse(raw) : {};
        } catch {
          params = Object.fromEntries(new URLSearchParams(raw));
        }
        this.calls.push({ token, method, params });
        const bot = this.bots.get(token);
        if (!bot) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
        const failure = this.failures.findIndex((f) => f.method === method);
        if (failure >= 0) {
          const f = this.failures.splice(failure, 1)[0]!;
          return reply(f.status, {
            ok: false,
            error_code: f.status,
            description: f.status === 429 ? `Too Many Requests: retry after ${f.retryAfter ?? 1}` : "Internal Server Error",
            ...(f.status === 429 ? { parameters: { retry_after: f.retryAfter ?? 1 } } : {}),
          });
        }
        reply(200, { ok: true, result: this.result(bot, method, params) });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private result(bot: { id: number; username: string }, method: string, params: Record<string, any>): unknown {
    switch (method) {
      case "getMe":
        return { id: bot.id, is_bot: true, first_name: bot.username, username: bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case "sendMessage":
        return { message_id: ++this.messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(params.chat_id), type: "private" }, text: params.text };
      case "getUpdates":
        return [];
      default:
        return true;
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
