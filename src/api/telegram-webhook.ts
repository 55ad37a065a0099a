// POST /telegram/:botId — Telegram's webhook deliveries, answered within its timeout:
// the registry records the update and queues it; the reply is sent after the ack.
import type { Plugin } from "graphql-yoga";
import type { BotRegistry } from "../bot/registry.js";
import { readCapped } from "./http-guards.js";

const PATH = /^\/telegram\/([A-Za-z0-9_-]{1,64})$/;
const MAX_UPDATE_BYTES = 1_048_576;

export function useTelegramWebhook(registry: BotRegistry): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const match = PATH.exec(url.pathname);
      if (!match) return;
      const respond = (status: number, message: string) =>
        endResponse(new Response(JSON.stringify({ ok: status === 200, message }), { status, headers: { "content-type": "application/json" } }));
      if (request.method !== "POST") return respond(405, "POST only");
      if (Number(request.headers.get("content-length") ?? 0) > MAX_UPDATE_BYTES) return respond(413, "update too large");
      // Read at most the limit, with or without a Content-Length.
      const raw = await readCapped(request, MAX_UPDATE_BYTES);
      if (!raw) return respond(413, "update too large");
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(raw).toString("utf8"));
      } catch {
        return respond(400, "the body is not JSON");
      }
      const result = await registry.handleWebhook(match[1]!, request.headers.get("x-telegram-bot-api-secret-token"), body);
      respond(result.status, result.message);
    },
  };
}
