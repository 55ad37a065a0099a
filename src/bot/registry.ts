// Serves every connected tenant's bot from one process: one grammY Bot per tenant
// token, started, reloaded and stopped here. What happens to an update is elsewhere:
// update-intake.ts stores it, turns.ts processes each chat's updates in order (claims in
// claims.ts), outbox.ts delivers operators' replies and rating prompts, sweeps.ts takes
// up what is unfinished.
import { timingSafeEqual } from "node:crypto";
import { isDatabaseUnavailable } from "../api/errors.js";
import type { TenantDeps } from "../domain/deps.js";
import type { Services } from "../services.js";
import { activeTenant } from "../tenants/auth.js";
import type { ConnectedBot } from "../tenants/bots.js";
import type { OfflineAssistant } from "./assistant/offline.js";
import type { Assistant } from "./assistant/types.js";
import { ChatStore } from "./chat-state.js";
import { Claims } from "./claims.js";
import type { Desk } from "./context.js";
import type { KnowledgeCache } from "./knowledge-cache.js";
import { Lanes } from "./lanes.js";
import { Outbox } from "./outbox.js";
import { SWEEP_INTERVAL_MS, Sweeper } from "./sweeps.js";
import type { TenantBot } from "./tenant-bot.js";
import { texts } from "./texts.js";
import { ChatTurns } from "./turns.js";
import { TurnRetry } from "./turn-transaction.js";
import { ALLOWED_UPDATES, isUpdate, UpdateIntake } from "./update-intake.js";

const TENANT_REFRESH_MS = 30_000;
const UNKNOWN_BOT_MEMORY_MS = 60_000;

interface Running extends TenantBot {
  loadedAt: number;
  stopEvents: () => void;
  stopPolling?: AbortController;
}

/**
 * How updates arrive: `webhook` (PUBLIC_URL set), `polling` (development), or `off`
 * (tests that post to the webhook themselves).
 */
export type UpdateMode = "webhook" | "polling" | "off";

export class BotRegistry {
  private readonly running = new Map<string, Running>();
  /** Bots removed while their turns may still run (a reload, shutdown). */
  private readonly removed = new Set<Running>();
  private readonly lanes = new Lanes();
  /**
   * The answerers are made with the first bot, and the bot's code (grammY's features, the
   * answerers, their English model) is loaded then: the offline answerer loads its language
   * data (~150 MB, 0.7 s) when it is made, none of which a process serving no bot (an
   * API-only server) needs.
   */
  private answerers: Promise<{ llm: Assistant | null; offline: OfflineAssistant; knowledge: KnowledgeCache }> | null = null;
  private readonly turns: ChatTurns;
  private readonly intake: UpdateIntake;
  private readonly outbox: Outbox;
  private readonly sweeper: Sweeper;
  private sweepTimer: NodeJS.Timeout | null = null;
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
    const fresh = (r: TenantBot) => this.fresh(r as Running);
    // Each open turn holds a database connection until its first reply (PostgreSQL's pool
    // has ten); the embedded database runs one transaction at a time anyway.
    this.turns = new ChatTurns(this.lanes, fresh, services.logger, { maxOpenTurns: services.database.kind === "postgres" ? 4 : 1 });
    this.intake = new UpdateIntake(this.turns, services.logger);
    this.outbox = new Outbox(services.events, this.lanes, fresh, services.logger);
    this.sweeper = new Sweeper(this.turns, this.outbox, services.logger);
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
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  async add(info: ConnectedBot): Promise<TenantBot> {
    await this.remove(info.id);
    const desk = await this.buildDesk(info);
    const { createBot } = await import("./create-bot.js");
    const bot = createBot(info.token, {
      identity: { id: info.id, tenantId: info.tenantId, telegramId: info.telegramId, username: info.username },
      desk: (update) => this.turns.deskFor(update) ?? running.desk,
      logger: this.services.logger,
      apiRoot: this.services.config.telegram.apiRoot,
      rethrows: (err) => isDatabaseUnavailable(err) || err instanceof TurnRetry,
    });
    const claims = new Claims(desk.deps.scope, info.tenantId, info.id);
    const running: Running = { info, desk, bot, claims, loadedAt: Date.now(), stopEvents: () => undefined };
    // A chat's next update, stored by another process while this one answered, is this one's to take.
    claims.onClaimed = (chatId, claim) => this.turns.queue(running, chatId, claim);
    running.stopEvents = this.outbox.follow(running);
    this.running.set(info.id, running);
    const { publicUrl } = this.services.config.telegram;
    if (this.mode === "webhook" && publicUrl) {
      await running.bot.api.setWebhook(`${publicUrl}/telegram/${info.id}`, { secret_token: info.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
    } else if (this.mode === "polling") {
      running.stopPolling = new AbortController();
      void this.intake.poll(running, running.stopPolling.signal);
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
    // Its turns in progress finish; what they answered is marked done as they end.
    this.removed.add(r);
    void this.lanes.idle().then(async () => {
      await r.claims.releaseAnswered();
      this.removed.delete(r);
    });
  }

  private async buildDesk(info: ConnectedBot): Promise<Desk> {
    const { FrontDesk } = await import("./front-desk.js");
    const { llm, offline, knowledge } = await (this.answerers ??= this.makeAnswerers());
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
      frontDesk: new FrontDesk(deps, { llm, offline }, this.services.logger, { knowledge }),
      chats: new ChatStore(deps, info.id),
      logger: this.services.logger,
      t: texts(tenant.settings.locale),
    };
  }

  private async makeAnswerers(): Promise<{ llm: Assistant | null; offline: OfflineAssistant; knowledge: KnowledgeCache }> {
    const { apiKey, ...openai } = this.services.config.openai;
    const { OfflineAssistant } = await import("./assistant/offline.js");
    const { KnowledgeCache } = await import("./knowledge-cache.js");
    const llm = apiKey ? new (await import("./assistant/openai.js")).OpenAIAssistant({ apiKey, ...openai }) : null;
    const knowledge = new KnowledgeCache();
    // Articles changed by any process reach the cached indexes.
    knowledge.follow(this.services.events);
    return { llm, offline: new OfflineAssistant(), knowledge };
  }

  /** The tenant's settings are read again now and then, so a changed locale or option reaches the bot. */
  private async fresh(r: Running): Promise<Desk> {
    if (Date.now() - r.loadedAt > TENANT_REFRESH_MS) {
      r.desk = await this.buildDesk(r.info);
      r.loadedAt = Date.now();
    }
    return r.desk;
  }

  /**
   * A webhook request: 401 without the right secret (nothing processed), otherwise
   * 200 as soon as the update is stored — the answer is sent after the acknowledgement.
   * 503 when the update could not be stored: Telegram delivers it again later.
   */
  async handleWebhook(botId: string, secretHeader: string | null, body: unknown): Promise<{ status: number; message: string }> {
    let r: TenantBot | null;
    try {
      r = this.running.get(botId) ?? (await this.lazyStart(botId));
    } catch (err) {
      if (isDatabaseUnavailable(err)) return { status: 503, message: "temporarily unavailable" };
      throw err;
    }
    if (!r || !secretHeader || !safeEqual(secretHeader, r.info.webhookSecret)) return { status: 401, message: "unauthorized" };
    if (!isUpdate(body)) return { status: 400, message: "not a Telegram update" };
    try {
      await this.intake.receive(r, body);
    } catch (err) {
      if (isDatabaseUnavailable(err)) return { status: 503, message: "temporarily unavailable" };
      throw err;
    }
    return { status: 200, message: "ok" };
  }

  /** A bot connected by another process (or before this one started). */
  private async lazyStart(botId: string): Promise<TenantBot | null> {
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

  /**
   * Takes up what is unfinished: updates stored but not processed (a crash, a database
   * outage) and deliveries that failed and are due again.
   */
  sweep(options: { catchUp?: boolean } = {}): Promise<void> {
    return this.sweeper.sweep([...this.running.values()], options);
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

  /** Waits for updates and deliveries in progress (graceful shutdown, tests); answered updates are marked done. */
  async drain(): Promise<void> {
    do {
      await this.lanes.idle();
      await Promise.all([...this.running.values(), ...this.removed].map((r) => r.claims.releaseAnswered()));
    } while (this.lanes.size);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.stopBotChanges?.();
    if (this.answerers) (await this.answerers).knowledge.stop();
    for (const id of [...this.running.keys()]) await this.remove(id);
    await this.drain();
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
