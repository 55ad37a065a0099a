// Serves every connected tenant's bot from one process: webhooks (secret checked,
// update de-duplicated durably, acknowledged before the slow work) or long polling,
// per-chat ordering, and delivery of operators' replies and rating prompts.
import { timingSafeEqual } from "node:crypto";
import { InlineKeyboard, type Bot } from "grammy";
import type { Update } from "grammy/types";
import type { TenantDeps } from "../domain/deps.js";
import type { TicketEvent } from "../domain/events.js";
import { isUniqueViolation } from "../domain/input.js";
import type { Services } from "../services.js";
import { activeTenant } from "../tenants/auth.js";
import type { ConnectedBot } from "../tenants/bots.js";
import { OfflineAssistant } from "./assistant/offline.js";
import { OpenAIAssistant } from "./assistant/openai.js";
import type { Assistant } from "./assistant/types.js";
import type { BotContext } from "./context.js";
import { createBot } from "./create-bot.js";
import { sendLong } from "./send.js";
import { texts } from "./texts.js";

interface Running {
  info: ConnectedBot;
  bot: Bot<BotContext>;
  deps: TenantDeps;
  stopEvents: () => void;
}

export class BotRegistry {
  private readonly running = new Map<string, Running>();
  /** The last piece of work of each chat: the next update of that chat waits for it. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly offline = new OfflineAssistant();
  private readonly llm: Assistant | null;

  constructor(private readonly services: Services) {
    const { openai } = services.config;
    this.llm = openai.apiKey ? new OpenAIAssistant(openai) : null;
  }

  /** Starts every enabled bot: webhooks when PUBLIC_URL is set, long polling otherwise. */
  async start(): Promise<void> {
    for (const info of await this.services.bots.list()) await this.add(info);
  }

  async add(info: ConnectedBot): Promise<Running> {
    await this.remove(info.id);
    const tenant = activeTenant(await this.services.directory.getTenant(info.tenantId));
    const deps: TenantDeps = {
      scope: this.services.scopes.forTenant(tenant.id),
      tenant,
      actor: { type: "ASSISTANT", id: info.id, name: `@${info.username}` },
      events: this.services.events,
      directory: this.services.directory,
    };
    const bot = createBot(info.token, {
      bot: info,
      deps,
      assistants: { llm: this.llm, offline: this.offline },
      logger: this.services.logger,
      apiRoot: this.services.config.telegram.apiRoot,
    });
    const running: Running = { info, bot, deps, stopEvents: this.deliver(info, bot, deps) };
    this.running.set(info.id, running);
    const { publicUrl } = this.services.config.telegram;
    if (publicUrl) {
      await bot.api.setWebhook(`${publicUrl}/telegram/${info.id}`, { secret_token: info.webhookSecret, allowed_updates: ["message", "callback_query", "edited_message"] });
    } else if (this.services.config.nodeEnv !== "test") {
      await bot.api.deleteWebhook().catch(() => undefined);
      // Long polling (development): updates go through the same de-duplication and queue.
      void this.poll(running);
    }
    this.services.logger.info({ botId: info.id, tenantId: info.tenantId, username: info.username, mode: publicUrl ? "webhook" : "polling" }, "bot started");
    return running;
  }

  async remove(botId: string): Promise<void> {
    const r = this.running.get(botId);
    if (!r) return;
    this.running.delete(botId);
    r.stopEvents();
  }

  /**
   * A webhook request: 401 without the right secret (nothing processed), 200 at once
   * otherwise — after the update is recorded, so a redelivery is recognised.
   */
  async handleWebhook(botId: string, secretHeader: string | null, body: unknown): Promise<{ status: number; message: string }> {
    const r = this.running.get(botId) ?? (await this.lazyStart(botId));
    if (!r || !secretHeader || !safeEqual(secretHeader, r.info.webhookSecret)) return { status: 401, message: "unauthorized" };
    const update = body as Update;
    if (!update || typeof update.update_id !== "number") return { status: 400, message: "not a Telegram update" };
    if (!(await this.firstTime(r, update))) return { status: 200, message: "duplicate" };
    this.enqueue(r, update);
    return { status: 200, message: "ok" };
  }

  private async lazyStart(botId: string): Promise<Running | null> {
    const info = await this.services.bots.byId(botId);
    return info ? this.add(info) : null;
  }

  /** Records the update id; false if this bot has seen it before (at-most-once processing). */
  private async firstTime(r: Running, update: Update): Promise<boolean> {
    try {
      await r.deps.scope.db.botUpdate.create({ data: { tenantId: r.deps.tenant.id, botId: r.info.id, updateId: BigInt(update.update_id) } });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  private enqueue(r: Running, update: Update): void {
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.edited_message?.chat.id ?? update.callback_query?.from.id ?? 0;
    const key = `${r.info.id}:${chatId}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const work = previous
      .then(() => r.bot.handleUpdate(update))
      .catch((err) => this.services.logger.error({ botId: r.info.id, err }, "update processing failed"))
      .finally(() => {
        if (this.chains.get(key) === work) this.chains.delete(key);
        this.inFlight.delete(work);
      });
    this.chains.set(key, work);
    this.inFlight.add(work);
  }

  private async poll(r: Running): Promise<void> {
    let offset = 0;
    while (this.running.get(r.info.id) === r) {
      try {
        const updates = await r.bot.api.getUpdates({ offset, timeout: 25 });
        for (const u of updates) {
          offset = u.update_id + 1;
          if (await this.firstTime(r, u)) this.enqueue(r, u);
        }
      } catch (err) {
        this.services.logger.warn({ botId: r.info.id, err: (err as Error).message }, "polling failed; retrying");
        await new Promise((res) => setTimeout(res, 3_000));
      }
    }
  }

  /** Subscribes to the tenant's ticket events and delivers what the customer should see. */
  private deliver(info: ConnectedBot, bot: Bot<BotContext>, deps: TenantDeps): () => void {
    const events = this.services.events.subscribe("ticket", deps.tenant.id);
    let stopped = false;
    void (async () => {
      for await (const event of events) {
        if (stopped) break;
        const work = this.deliverOne(info, bot, deps, event).catch((err) =>
          this.services.logger.error({ botId: info.id, err }, "delivery failed"),
        );
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      }
    })();
    return () => {
      stopped = true;
      void events.return?.(undefined);
    };
  }

  private async deliverOne(info: ConnectedBot, bot: Bot<BotContext>, deps: TenantDeps, event: TicketEvent): Promise<void> {
    const t = texts(deps.tenant.settings.locale);
    if (event.type === "MESSAGE_ADDED" && event.public && event.messageId) {
      const message = await deps.scope.db.message.findFirst({ where: { id: event.messageId }, include: { ticket: { include: { contact: true } } } });
      // Internal notes never leave; replies go only to the ticket's own contact's chat.
      if (!message || message.internal || message.author !== "OPERATOR") return;
      const chatId = message.ticket.contact.telegramChatId;
      if (!chatId) return;
      await this.send(info, bot, deps, { chatId, ticketId: message.ticketId, messageId: message.id, kind: "reply", text: t.operatorReply(message.ticket.number, message.body) });
    }
    if (event.type === "TICKET_UPDATED") {
      const ticket = await deps.scope.db.ticket.findFirst({ where: { id: event.ticketId }, include: { contact: true } });
      if (!ticket || ticket.status !== "RESOLVED" || !ticket.contact.telegramChatId) return;
      const asked = await deps.scope.db.botDelivery.findFirst({ where: { ticketId: ticket.id, kind: "csat" } });
      if (asked) return;
      const keyboard = new InlineKeyboard();
      for (let s = 1; s <= 5; s++) keyboard.text("⭐".repeat(s), `rate:CSAT:${ticket.id}:${s}`);
      await this.send(info, bot, deps, { chatId: ticket.contact.telegramChatId, ticketId: ticket.id, kind: "csat", text: t.rateQuestion(ticket.number) }, keyboard);
      if (deps.tenant.settings.bot.askNps) {
        const nps = new InlineKeyboard();
        for (let s = 0; s <= 10; s++) nps.text(String(s), `rate:NPS:${ticket.id}:${s}`);
        await this.send(info, bot, deps, { chatId: ticket.contact.telegramChatId, ticketId: ticket.id, kind: "nps", text: t.npsQuestion }, nps);
      }
      if (deps.tenant.settings.bot.askCes) {
        const ces = new InlineKeyboard();
        for (let s = 1; s <= 7; s++) ces.text(String(s), `rate:CES:${ticket.id}:${s}`);
        await this.send(info, bot, deps, { chatId: ticket.contact.telegramChatId, ticketId: ticket.id, kind: "ces", text: t.cesQuestion }, ces);
      }
    }
  }

  /** Sends through the outbox: the row says what was sent, what failed and why. */
  private async send(
    info: ConnectedBot,
    bot: Bot<BotContext>,
    deps: TenantDeps,
    d: { chatId: bigint; ticketId: string; messageId?: string; kind: string; text: string },
    keyboard?: InlineKeyboard,
  ): Promise<void> {
    const row = await deps.scope.db.botDelivery.create({
      data: { tenantId: deps.tenant.id, botId: info.id, chatId: d.chatId, ticketId: d.ticketId, messageId: d.messageId ?? null, kind: d.kind, text: d.text },
    });
    const where = { tenantId_id: { tenantId: deps.tenant.id, id: row.id } };
    try {
      await sendLong(bot.api, Number(d.chatId), d.text, keyboard ? { reply_markup: keyboard } : undefined);
      await deps.scope.db.botDelivery.update({ where, data: { status: "SENT", sentAt: new Date(), attempts: 1 } });
    } catch (err) {
      await deps.scope.db.botDelivery.update({ where, data: { status: "FAILED", attempts: 1, lastError: (err as Error).message.slice(0, 500) } });
      throw err;
    }
  }

  /** Waits for updates and deliveries in progress (graceful shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    for (const id of [...this.running.keys()]) await this.remove(id);
    await this.drain();
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

