// Serves every connected tenant's bot from one process. Updates arrive by webhook
// (secret checked) or long polling; each is written to BotUpdate before it is
// acknowledged, so a redelivery is recognised and an acknowledged update survives a
// crash; then it is processed once, in order per chat. Operators' replies and
// rating prompts go out through the BotDelivery outbox, one delivery per reply
// however many processes see the event, retried when Telegram fails.
import { timingSafeEqual } from "node:crypto";
import { BotError, GrammyError, InlineKeyboard, type Bot } from "grammy";
import type { Update } from "grammy/types";
import { isDatabaseUnavailable } from "../api/errors.js";
import { Prisma, type BotDelivery } from "../generated/prisma/index.js";
import type { TenantDeps } from "../domain/deps.js";
import type { TicketEvent } from "../domain/events.js";
import { isUniqueViolation } from "../domain/input.js";
import type { Services } from "../services.js";
import { activeTenant } from "../tenants/auth.js";
import type { ConnectedBot } from "../tenants/bots.js";
import type { OfflineAssistant } from "./assistant/offline.js";
import type { Assistant } from "./assistant/types.js";
import { ChatStore } from "./chat-state.js";
import { cleanJson, clip } from "./clean-text.js";
import type { BotContext, Desk } from "./context.js";
import { Lanes } from "./lanes.js";
import { sendLong } from "./send.js";
import { texts } from "./texts.js";

/** What Telegram sends us; anything else is not asked for. */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query"] as const;

const TENANT_REFRESH_MS = 30_000;
/** A claim older than this belongs to a worker that died: the update may be taken again. */
const STALE_CLAIM_MS = 60_000;
const MAX_UPDATE_ATTEMPTS = 5;
const MAX_DELIVERY_ATTEMPTS = 6;
const SWEEP_INTERVAL_MS = 15_000;
/** Every how many sweeps missed deliveries are looked for, how far back, and how old they must be. */
const CATCH_UP_EVERY = 4;
const CATCH_UP_WINDOW_MS = 24 * 60 * 60_000;
const CATCH_UP_GRACE_MS = 10_000;
/** How long a processed update's row stays to recognise a redelivery (Telegram retries for at most 24 h). */
const PROCESSED_UPDATE_KEEP_MS = 48 * 60 * 60_000;
const UNKNOWN_BOT_MEMORY_MS = 60_000;

/**
 * Stored updates still to be processed: not done, not given up on, and with a payload
 * (rows from before payloads were kept have none: nothing to process).
 */
const TO_PROCESS = { processedAt: null, attempts: { lt: MAX_UPDATE_ATTEMPTS }, payload: { not: Prisma.DbNull } } satisfies Prisma.BotUpdateWhereInput;

/** Not held by a live worker: never claimed, or claimed by one that died (the claim went stale). */
function unclaimed(now = Date.now()): Prisma.BotUpdateWhereInput {
  return { OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now - STALE_CLAIM_MS) } }] };
}

interface Running {
  info: ConnectedBot;
  bot: Bot<BotContext>;
  desk: Desk;
  loadedAt: number;
  stopEvents: () => void;
  stopPolling?: AbortController;
}

type DeliveryKind = "reply" | "csat" | "nps" | "ces";

/**
 * How updates arrive: `webhook` (PUBLIC_URL set), `polling` (development), or `off`
 * (tests that post to the webhook themselves).
 */
export type UpdateMode = "webhook" | "polling" | "off";

export class BotRegistry {
  private readonly running = new Map<string, Running>();
  private readonly lanes = new Lanes();
  /** Updates being stored right now, per chat lane. */
  private readonly storing = new Map<string, Set<Promise<unknown>>>();
  /**
   * The answerers are made with the first bot, and the bot's code (grammY's features, the
   * answerers, their English model) is loaded then: the offline answerer loads its language
   * data (~150 MB, 0.7 s) when it is made, and the model takes 0.3 s and 20 MB to load,
   * none of which a process serving no bot (an API-only server) needs.
   */
  private answerers: Promise<{ llm: Assistant | null; offline: OfflineAssistant }> | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private sweeps = 0;
  /** Bot ids a webhook request named that no bot has, until when that is remembered. */
  private readonly unknownBots = new Map<string, number>();
  private stopBotChanges: (() => void) | null = null;
  private stopped = false;
  readonly mode: UpdateMode;

  constructor(
    private readonly services: Services,
    options: { mode?: UpdateMode } = {},
  ) {
    const { publicUrl } = services.config.telegram;
    this.mode = options.mode ?? (publicUrl ? "webhook" : services.config.nodeEnv === "test" ? "off" : "polling");
  }

  /**
   * Starts every enabled bot (webhooks when PUBLIC_URL is set, long polling otherwise),
   * takes up updates and deliveries an earlier run left unfinished, and follows bots
   * connected or disconnected meanwhile (by any process).
   */
  async start(): Promise<void> {
    this.stopBotChanges = this.followBotChanges();
    for (const info of await this.services.bots.list()) {
      await this.add(info).catch((err) => this.services.logger.error({ botId: info.id, err: (err as Error).message }, "bot could not start"));
    }
    await this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async add(info: ConnectedBot): Promise<Running> {
    await this.remove(info.id);
    const desk = await this.buildDesk(info);
    const running: Running = { info, desk, loadedAt: Date.now(), bot: null as never, stopEvents: () => undefined };
    const { createBot } = await import("./create-bot.js");
    running.bot = createBot(info.token, {
      identity: { id: info.id, tenantId: info.tenantId, telegramId: info.telegramId, username: info.username },
      desk: () => running.desk,
      logger: this.services.logger,
      apiRoot: this.services.config.telegram.apiRoot,
      isTransient: isDatabaseUnavailable,
    });
    running.stopEvents = this.followTickets(running);
    this.running.set(info.id, running);
    const { publicUrl } = this.services.config.telegram;
    if (this.mode === "webhook" && publicUrl) {
      await running.bot.api.setWebhook(`${publicUrl}/telegram/${info.id}`, { secret_token: info.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
    } else if (this.mode === "polling") {
      running.stopPolling = new AbortController();
      void this.poll(running, running.stopPolling.signal);
    }
    this.services.logger.info({ botId: info.id, tenantId: info.tenantId, username: info.username, mode: this.mode }, "bot started");
    return running;
  }

  async remove(botId: string): Promise<void> {
    const r = this.running.get(botId);
    if (!r) return;
    this.running.delete(botId);
    r.stopEvents();
    r.stopPolling?.abort();
  }

  private async buildDesk(info: ConnectedBot): Promise<Desk> {
    const { FrontDesk } = await import("./front-desk.js");
    const answerers = await (this.answerers ??= this.makeAnswerers());
    const tenant = activeTenant(await this.services.directory.getTenant(info.tenantId));
    const deps: TenantDeps = {
      scope: this.services.scopes.forTenant(tenant.id),
      tenant,
      actor: { type: "ASSISTANT", id: info.id, name: `@${info.username}` },
      events: this.services.events,
      directory: this.services.directory,
    };
    const identity = { id: info.id, tenantId: info.tenantId, telegramId: info.telegramId, username: info.username };
    return {
      bot: identity,
      deps,
      frontDesk: new FrontDesk(deps, answerers, this.services.logger),
      chats: new ChatStore(deps, info.id),
      logger: this.services.logger,
      t: texts(tenant.settings.locale),
    };
  }

  private async makeAnswerers(): Promise<{ llm: Assistant | null; offline: OfflineAssistant }> {
    const { apiKey, ...openai } = this.services.config.openai;
    const { OfflineAssistant } = await import("./assistant/offline.js");
    const llm = apiKey ? new (await import("./assistant/openai.js")).OpenAIAssistant({ apiKey, ...openai }) : null;
    return { llm, offline: new OfflineAssistant() };
  }

  /** The tenant's settings are read again now and then, so a changed locale or option reaches the bot. */
  private async fresh(r: Running): Promise<Running> {
    if (Date.now() - r.loadedAt > TENANT_REFRESH_MS) {
      r.desk = await this.buildDesk(r.info);
      r.loadedAt = Date.now();
    }
    return r;
  }

  // ------------------------------------------------------------ updates in

  /**
   * A webhook request: 401 without the right secret (nothing processed), otherwise
   * 200 as soon as the update is stored — the answer is sent after the acknowledgement.
   * 503 when the update could not be stored: Telegram delivers it again later.
   */
  async handleWebhook(botId: string, secretHeader: string | null, body: unknown): Promise<{ status: number; message: string }> {
    let r: Running | null;
    try {
      r = this.running.get(botId) ?? (await this.lazyStart(botId));
    } catch (err) {
      if (isDatabaseUnavailable(err)) return { status: 503, message: "temporarily unavailable" };
      throw err;
    }
    if (!r || !secretHeader || !safeEqual(secretHeader, r.info.webhookSecret)) return { status: 401, message: "unauthorized" };
    if (!isUpdate(body)) return { status: 400, message: "not a Telegram update" };
    try {
      await this.receive(r, body);
    } catch (err) {
      if (isDatabaseUnavailable(err)) return { status: 503, message: "temporarily unavailable" };
      throw err;
    }
    return { status: 200, message: "ok" };
  }

  /** A bot connected by another process (or before this one started). */
  private async lazyStart(botId: string): Promise<Running | null> {
    if (this.stopped) return null;
    // Requests for bots that do not exist (probes, a disconnected bot's stragglers) cost
    // one lookup per bot id and minute, not one per request.
    if ((this.unknownBots.get(botId) ?? 0) > Date.now()) return null;
    const info = await this.services.bots.byId(botId);
    if (!info) {
      if (this.unknownBots.size >= 10_000) this.unknownBots.clear();
      this.unknownBots.set(botId, Date.now() + UNKNOWN_BOT_MEMORY_MS);
      return null;
    }
    return this.add(info);
  }

  /** Stores the update (once: a redelivery is recognised by its update_id) and queues its chat. */
  private async receive(r: Running, update: Update): Promise<void> {
    const { deps } = r.desk;
    const chatId = chatOf(update);
    const key = laneKey(r, chatId);
    const stored = deps.scope.db.botUpdate
      .create({ data: { tenantId: deps.tenant.id, botId: r.info.id, updateId: BigInt(update.update_id), chatId, payload: cleanJson(update) as object }, select: { id: true } })
      .then(
        () => true,
        (err) => {
          if (isUniqueViolation(err)) return false;
          throw err;
        },
      );
    // Updates of one chat that arrive at once are stored concurrently; the chat's turn waits for all of them.
    const storing = this.storing.get(key) ?? new Set<Promise<unknown>>();
    this.storing.set(key, storing.add(stored));
    try {
      if (await stored) this.queueChat(r, chatId);
    } finally {
      storing.delete(stored);
      if (!storing.size) this.storing.delete(key);
    }
  }

  /**
   * The chat's turn: every stored, unprocessed update of the chat, in update_id order —
   * the order the customer sent them, whatever order the requests arrived in, and across
   * processes: the turn stops at the first update another worker holds (that worker goes
   * on with the rest when it is done) or that a database outage left for the sweep.
   */
  private queueChat(r: Running, chatId: bigint | null): void {
    const key = laneKey(r, chatId);
    void this.lanes
      .run(key, async () => {
        await Promise.allSettled([...(this.storing.get(key) ?? [])]);
        // Again until none is left: updates stored meanwhile by another process are taken up too.
        for (let round = 0; round < 20; round++) {
          const pending = await r.desk.deps.scope.db.botUpdate.findMany({
            where: { botId: r.info.id, chatId, ...TO_PROCESS },
            orderBy: { updateId: "asc" },
            select: { id: true, payload: true },
            take: 50,
          });
          if (!pending.length) return;
          for (const u of pending) {
            // A later message is never answered before an earlier one.
            if (!(await this.process(r, u.id, u.payload as unknown as Update))) return;
          }
        }
      })
      .catch((err) => this.services.logger.error({ botId: r.info.id, err: (err as Error).message }, "update processing failed"));
  }

  /**
   * Processes a stored update if this worker can claim it: unprocessed, and not taken
   * by another worker recently (the claim is renewed while the turn runs, however long
   * the assistant takes). False when the update is still to be done: taken by another
   * worker, or left for the sweep by a database outage.
   */
  private async process(r: Running, rowId: string, update: Update): Promise<boolean> {
    const { scope, tenant } = r.desk.deps;
    const now = new Date();
    const claimed = await scope.db.botUpdate.updateMany({
      where: { id: rowId, ...TO_PROCESS, ...unclaimed(now.getTime()) },
      data: { claimedAt: now, attempts: { increment: 1 } },
    });
    if (claimed.count === 0) return false;
    const done = (data: Prisma.BotUpdateUpdateInput) => scope.db.botUpdate.update({ where: { tenantId_id: { tenantId: tenant.id, id: rowId } }, data });
    const heartbeat = setInterval(() => {
      void scope.db.botUpdate.updateMany({ where: { id: rowId, processedAt: null }, data: { claimedAt: new Date() } }).catch(() => undefined);
    }, STALE_CLAIM_MS / 3);
    heartbeat.unref();
    try {
      await (await this.fresh(r)).bot.handleUpdate(update);
    } catch (err) {
      const cause = err instanceof BotError ? err.error : err;
      if (isDatabaseUnavailable(cause)) {
        this.services.logger.warn({ botId: r.info.id, updateId: update.update_id, err: (cause as Error).message }, "update failed; it will be retried");
        await done({ claimedAt: null }).catch(() => undefined);
        return false;
      }
      // Outside the bot's error boundary (it answers everything else): kept, unprocessed, as a
      // dead letter with its payload, and never retried — its work may be half done.
      this.services.logger.error({ botId: r.info.id, updateId: update.update_id, err: cause }, "update failed; kept as a dead letter");
      await done({ claimedAt: null, attempts: MAX_UPDATE_ATTEMPTS }).catch(() => undefined);
      return true;
    } finally {
      clearInterval(heartbeat);
    }
    await done({ processedAt: new Date(), claimedAt: null, payload: Prisma.DbNull });
    return true;
  }

  private async poll(r: Running, signal: AbortSignal): Promise<void> {
    let offset = 0;
    await r.bot.api.deleteWebhook().catch(() => undefined);
    while (!signal.aborted) {
      try {
        // grammY types the signal with its polyfill's AbortSignal; Node's own is what it uses at run time.
        const updates = await r.bot.api.getUpdates({ offset, timeout: 25, allowed_updates: [...ALLOWED_UPDATES] }, signal as never);
        for (const u of updates) {
          await this.receive(r, u);
          offset = u.update_id + 1;
        }
      } catch (err) {
        if (signal.aborted) return;
        this.services.logger.warn({ botId: r.info.id, err: (err as Error).message }, "polling failed; retrying");
        await new Promise((res) => setTimeout(res, 3_000).unref());
      }
    }
  }

  // ------------------------------------------------------------ deliveries out

  /** Subscribes to the tenant's ticket events and delivers what the customer should see. */
  private followTickets(r: Running): () => void {
    const events = this.services.events.subscribe("ticket", r.info.tenantId);
    void (async () => {
      for await (const event of events) {
        // Per ticket in order: a reply and the rating prompt after it arrive in that order.
        this.inTicketLane(r, event.ticketId, () => this.onTicketEvent(r, event));
      }
    })();
    return () => void events.return?.(undefined);
  }

  private async onTicketEvent(r: Running, event: TicketEvent): Promise<void> {
    if (event.type === "MESSAGE_ADDED" && event.public && event.messageId) await this.deliverReply(r, event.messageId);
    if (event.type === "TICKET_UPDATED") await this.promptRatings(r, event.ticketId);
  }

  /** An operator's public reply, to the chat of the ticket's own contact. */
  private async deliverReply(r: Running, messageId: string): Promise<void> {
    const { deps, t } = (await this.fresh(r)).desk;
    const message = await deps.scope.db.message.findFirst({ where: { id: messageId }, include: { ticket: { include: { contact: true } } } });
    // Internal notes never leave; operators' replies go only to the ticket's own contact's chat.
    if (!message || message.internal || message.author !== "OPERATOR") return;
    const chatId = message.ticket.contact.telegramChatId;
    if (!chatId) return;
    await this.enqueueDelivery(r, { kind: "reply", dedupKey: `reply:${message.id}`, chatId, ticketId: message.ticketId, messageId: message.id, text: t.operatorReply(message.ticket.number, message.body) });
  }

  /** The rating prompts of a resolved ticket: CSAT, and NPS and CES where the tenant asks for them. */
  private async promptRatings(r: Running, ticketId: string): Promise<void> {
    const { deps, t } = (await this.fresh(r)).desk;
    const ticket = await deps.scope.db.ticket.findFirst({ where: { id: ticketId }, include: { contact: true } });
    const chatId = ticket?.contact.telegramChatId;
    if (!ticket || ticket.status !== "RESOLVED" || !chatId) return;
    const prompts: [DeliveryKind, string, boolean][] = [
      ["csat", t.rateQuestion(ticket.number), true],
      ["nps", t.npsQuestion, deps.tenant.settings.bot.askNps],
      ["ces", t.cesQuestion, deps.tenant.settings.bot.askCes],
    ];
    for (const [kind, text, wanted] of prompts) {
      // Asked once per case: resolving it again after a reopen does not ask again.
      if (wanted) await this.enqueueDelivery(r, { kind, dedupKey: `${kind}:${ticket.id}`, chatId, ticketId: ticket.id, text });
    }
  }

  /**
   * Replies and resolutions of the last day whose delivery was never written: the process
   * stopped, or the database or the event bus failed, between the change and its outbox
   * row. The event path usually wins by far; both write under the same key, so a race
   * between them still sends once.
   */
  private async catchUp(r: Running): Promise<void> {
    const { scope } = r.desk.deps;
    const now = Date.now();
    const window = { gte: new Date(now - CATCH_UP_WINDOW_MS), lt: new Date(now - CATCH_UP_GRACE_MS) };
    const inChat = { contact: { telegramChatId: { not: null } } };
    const replies = await scope.db.message.findMany({
      where: { author: "OPERATOR", internal: false, createdAt: window, deliveries: { none: {} }, ticket: inChat },
      orderBy: { createdAt: "asc" },
      select: { id: true, ticketId: true },
      take: 200,
    });
    const resolved = await scope.db.ticketResolution.findMany({
      where: { resolvedAt: window, ticket: { status: "RESOLVED", ...inChat, deliveries: { none: { kind: "csat" } } } },
      distinct: ["ticketId"],
      select: { ticketId: true },
      take: 200,
    });
    for (const m of replies) this.inTicketLane(r, m.ticketId, () => this.deliverReply(r, m.id));
    for (const t of resolved) this.inTicketLane(r, t.ticketId, () => this.promptRatings(r, t.ticketId));
  }

  /** Work on one ticket's deliveries, in order with the rest of that ticket's. */
  private inTicketLane(r: Running, ticketId: string | null, work: () => Promise<void>): void {
    void this.lanes
      .run(`ticket:${ticketId}`, work)
      .catch((err) => this.services.logger.error({ botId: r.info.id, ticketId, err: (err as Error).message }, "delivery failed"));
  }

  /** Writes the delivery (one per key, across processes) and sends it. */
  private async enqueueDelivery(r: Running, d: { kind: DeliveryKind; dedupKey: string; chatId: bigint; ticketId: string; messageId?: string; text: string }): Promise<void> {
    const { deps } = r.desk;
    let row: BotDelivery;
    try {
      row = await deps.scope.db.botDelivery.create({
        data: { tenantId: deps.tenant.id, botId: r.info.id, chatId: d.chatId, ticketId: d.ticketId, messageId: d.messageId ?? null, kind: d.kind, dedupKey: d.dedupKey, text: d.text },
      });
    } catch (err) {
      if (isUniqueViolation(err)) return;
      throw err;
    }
    await this.send(r, row);
  }

  /**
   * Sends one delivery if this worker can claim it. Telegram's 429 and 5xx are retried
   * by auto-retry first; what still fails is tried again by the sweep with back-off,
   * except a refusal that will not change (the customer blocked the bot, the chat is gone).
   */
  private async send(r: Running, row: BotDelivery): Promise<void> {
    const { scope, tenant } = r.desk.deps;
    const now = new Date();
    const claimed = await scope.db.botDelivery.updateMany({
      where: { id: row.id, status: { in: ["PENDING", "FAILED"] }, attempts: row.attempts, nextAttemptAt: { lte: now } },
      data: { attempts: { increment: 1 }, nextAttemptAt: new Date(now.getTime() + STALE_CLAIM_MS) },
    });
    if (claimed.count === 0) return;
    const where = { tenantId_id: { tenantId: tenant.id, id: row.id } };
    try {
      await sendLong(r.bot.api, Number(row.chatId), row.text, keyboardFor(row), {
        from: row.partsSent,
        sent: (partsSent) => scope.db.botDelivery.update({ where, data: { partsSent } }),
      });
      await scope.db.botDelivery.update({ where, data: { status: "SENT", sentAt: new Date(), lastError: null } });
    } catch (err) {
      const attempts = row.attempts + 1;
      const permanent = err instanceof GrammyError && (err.error_code === 400 || err.error_code === 403);
      const giveUp = permanent || attempts >= MAX_DELIVERY_ATTEMPTS;
      const backoff = Math.min(2 ** attempts * 5_000, 15 * 60_000);
      await scope.db.botDelivery.update({
        where,
        data: { status: "FAILED", lastError: clip((err as Error).message, 500), ...(giveUp ? { attempts: MAX_DELIVERY_ATTEMPTS } : { nextAttemptAt: new Date(Date.now() + backoff) }) },
      });
      this.services.logger.warn({ botId: r.info.id, deliveryId: row.id, attempts, giveUp, err: (err as Error).message }, "delivery failed");
    }
  }

  // ------------------------------------------------------------ upkeep

  /**
   * Takes up what is unfinished: updates stored but not processed (a crash, a database
   * outage) and deliveries that failed and are due again.
   */
  async sweep(options: { catchUp?: boolean } = {}): Promise<void> {
    // Deliveries never written are looked for every few sweeps: it reads more than the rest.
    const catchUp = options.catchUp ?? this.sweeps++ % CATCH_UP_EVERY === 0;
    for (const r of [...this.running.values()]) {
      try {
        const { scope } = r.desk.deps;
        const chats = await scope.db.botUpdate.findMany({
          where: { botId: r.info.id, ...TO_PROCESS, ...unclaimed() },
          distinct: ["chatId"],
          select: { chatId: true },
          take: 500,
        });
        for (const c of chats) this.queueChat(r, c.chatId);
        const due = await scope.db.botDelivery.findMany({
          where: { botId: r.info.id, status: { in: ["PENDING", "FAILED"] }, attempts: { lt: MAX_DELIVERY_ATTEMPTS }, nextAttemptAt: { lte: new Date() } },
          orderBy: { createdAt: "asc" },
          take: 500,
        });
        for (const d of due) this.inTicketLane(r, d.ticketId, () => this.send(r, d));
        if (catchUp) {
          await this.catchUp(r);
          // Processed updates are kept only as long as Telegram may deliver them again
          // (it gives up after 24 hours): the table does not grow with every message.
          await scope.db.botUpdate.deleteMany({ where: { botId: r.info.id, processedAt: { lt: new Date(Date.now() - PROCESSED_UPDATE_KEEP_MS) } } });
        }
      } catch (err) {
        this.services.logger.warn({ botId: r.info.id, err: (err as Error).message }, "bot upkeep failed; trying again later");
      }
    }
  }

  /** Bots connected, given a new token or disconnected anywhere: reload them here. */
  private followBotChanges(): () => void {
    const changes = this.services.events.subscribe("bot-changed");
    void (async () => {
      for await (const change of changes) {
        await this.reload(change.botId).catch((err) => this.services.logger.error({ botId: change.botId, err: (err as Error).message }, "bot could not be reloaded"));
      }
    })();
    return () => void changes.return?.(undefined);
  }

  async reload(botId: string): Promise<void> {
    if (this.stopped) return;
    this.unknownBots.delete(botId);
    const info = await this.services.bots.byId(botId);
    if (info) await this.add(info);
    else await this.remove(botId);
  }

  /** Waits for updates and deliveries in progress (graceful shutdown, tests). */
  drain(): Promise<void> {
    return this.lanes.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.stopBotChanges?.();
    for (const id of [...this.running.keys()]) await this.remove(id);
    await this.drain();
  }
}

function keyboardFor(row: BotDelivery): { reply_markup: InlineKeyboard } | undefined {
  const scale: Record<string, [number, number, (s: number) => string]> = {
    csat: [1, 5, (s) => "⭐".repeat(s)],
    nps: [0, 10, String],
    ces: [1, 7, String],
  };
  const spec = scale[row.kind];
  if (!spec || !row.ticketId) return undefined;
  const [min, max, label] = spec;
  const keyboard = new InlineKeyboard();
  for (let s = min; s <= max; s++) {
    keyboard.text(label(s), `rate:${row.kind.toUpperCase()}:${row.ticketId}:${s}`);
    // NPS's eleven buttons in two rows: Telegram clients squeeze more into unreadable sizes.
    if (row.kind === "nps" && s === 5) keyboard.row();
  }
  return { reply_markup: keyboard };
}

function laneKey(r: Running, chatId: bigint | null): string {
  return `chat:${r.info.id}:${chatId ?? "none"}`;
}

function isUpdate(body: unknown): body is Update {
  const id = (body as { update_id?: unknown } | null)?.update_id;
  return typeof id === "number" && Number.isSafeInteger(id) && id >= 0;
}

/** The chat an update belongs to: its updates are processed one at a time, in order. */
function chatOf(update: Update): bigint | null {
  const id = update.message?.chat.id ?? update.edited_message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.callback_query?.from.id;
  return id === undefined ? null : BigInt(id);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
