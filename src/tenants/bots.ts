// Telegram bots: which bot belongs to which tenant. A global access table (the bot
// decides the tenant of an update), so only this file reads it, through the root client.
import type { TelegramBot } from "../generated/prisma/index.js";
import type { Actor } from "../domain/actor.js";
import { recordAudit } from "../domain/audit.js";
import { ConflictError, NotFoundError, ValidationError } from "../domain/errors.js";
import type { EventBus } from "../domain/events.js";
import type { Directory } from "./directory.js";
import type { RootDb, TenantScopes } from "./scoped-db.js";
import { randomToken, type SecretBox } from "./secrets.js";

export const TOKEN_FORMAT = /^\d{3,20}:[A-Za-z0-9_-]{30,100}$/;

/** Who a bot is, without its secrets: what the front desk's features may see. */
export interface BotIdentity {
  id: string;
  tenantId: string;
  telegramId: bigint;
  username: string;
}

export interface BotInfo extends BotIdentity {
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConnectedBot extends BotIdentity {
  webhookSecret: string;
  /** Decrypted: never log it, never return it through the API. */
  token: string;
}

/** Calls getMe with the token: proves the token works and tells who the bot is. */
export async function telegramGetMe(apiRoot: string, token: string): Promise<{ id: number; username: string; first_name: string }> {
  let res: Response;
  try {
    res = await fetch(`${apiRoot}/bot${token}/getMe`, { method: "POST", signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new ValidationError("token", `The Telegram Bot API at ${apiRoot} could not be reached (${(err as Error).message}).`);
  }
  const body = (await res.json().catch(() => null)) as { ok?: boolean; result?: { id: number; username: string; first_name: string }; description?: string } | null;
  if (!body?.ok || !body.result) {
    throw new ValidationError("token", `Telegram refused the token: ${body?.description ?? `HTTP ${res.status}`}.`);
  }
  return body.result;
}

/** Best effort: tells Telegram to stop sending a bot's updates to us (a replaced or disconnected bot). */
async function telegramDeleteWebhook(apiRoot: string, token: string): Promise<void> {
  await fetch(`${apiRoot}/bot${token}/deleteWebhook`, { method: "POST", signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
}

export class BotDirectory {
  constructor(
    private readonly root: RootDb,
    private readonly scopes: TenantScopes,
    private readonly directory: Directory,
    private readonly secrets: SecretBox,
    private readonly apiRoot: string,
    /** Tells every process (through Redis when configured) to reload a changed bot. */
    private readonly events?: EventBus,
  ) {}

  private changed(bot: { id: string; tenantId: string }): void {
    this.events?.publish("bot-changed", { botId: bot.id, tenantId: bot.tenantId });
  }

  private open(bot: TelegramBot): ConnectedBot {
    return { id: bot.id, tenantId: bot.tenantId, telegramId: bot.telegramId, username: bot.username, webhookSecret: bot.webhookSecret, token: this.secrets.open(bot.tokenCiphertext) };
  }

  /** Connects a bot to a tenant, or replaces the tenant's bot token (history stays: same bot row). */
  async connect(tenantRef: string, token: string, actor: Actor): Promise<ConnectedBot> {
    if (!TOKEN_FORMAT.test(token.trim())) throw new ValidationError("token", "That is not a bot token (it looks like 123456789:AA…, from @BotFather).");
    const tenant = await this.directory.getTenant(tenantRef);
    const me = await telegramGetMe(this.apiRoot, token.trim());
    const data = {
      telegramId: BigInt(me.id),
      username: me.username,
      tokenCiphertext: this.secrets.seal(token.trim()),
      webhookSecret: randomToken(32),
      enabled: true,
    };
    // One Telegram bot serves one tenant: its updates cannot go to two front desks.
    const elsewhere = await this.root.telegramBot.findFirst({ where: { telegramId: data.telegramId, enabled: true, tenantId: { not: tenant.id } } });
    if (elsewhere) throw new ConflictError(`@${me.username} is already connected to another tenant: disconnect it there first, or create another bot with @BotFather.`);
    const before = await this.root.telegramBot.findUnique({ where: { tenantId: tenant.id } });
    if (before?.enabled && before.telegramId !== data.telegramId) await telegramDeleteWebhook(this.apiRoot, this.secrets.open(before.tokenCiphertext));
    // The bot row and its audit event commit together.
    const bot = await this.root.$transaction(async (tx) => {
      const saved = before
        ? await tx.telegramBot.update({ where: { tenantId_id: { tenantId: tenant.id, id: before.id } }, data })
        : await tx.telegramBot.create({ data: { tenantId: tenant.id, ...data } });
      await this.scopes.within(tx, tenant.id, (scoped) =>
        recordAudit(scoped, tenant.id, actor, {
          action: before?.enabled ? "bot.token_replaced" : "bot.connected",
          entityType: "TelegramBot",
          entityId: saved.id,
          before: before ? { username: before.username, telegramId: before.telegramId, enabled: before.enabled } : undefined,
          after: { username: saved.username, telegramId: saved.telegramId, enabled: true },
        }),
      );
      return saved;
    });
    this.changed(bot);
    return this.open(bot);
  }

  async disconnect(tenantRef: string, actor: Actor): Promise<void> {
    const tenant = await this.directory.getTenant(tenantRef);
    const bot = await this.root.telegramBot.findUnique({ where: { tenantId: tenant.id } });
    if (!bot || !bot.enabled) throw new NotFoundError("Telegram bot", `of ${tenant.slug}`);
    await this.root.$transaction(async (tx) => {
      await tx.telegramBot.update({ where: { tenantId_id: { tenantId: tenant.id, id: bot.id } }, data: { enabled: false } });
      await this.scopes.within(tx, tenant.id, (scoped) =>
        recordAudit(scoped, tenant.id, actor, { action: "bot.disconnected", entityType: "TelegramBot", entityId: bot.id, before: { username: bot.username, enabled: true }, after: { enabled: false } }),
      );
    });
    await telegramDeleteWebhook(this.apiRoot, this.secrets.open(bot.tokenCiphertext));
    this.changed(bot);
  }

  async byId(id: string): Promise<ConnectedBot | null> {
    const bot = await this.root.telegramBot.findUnique({ where: { id } });
    return bot?.enabled ? this.open(bot) : null;
  }

  async list(): Promise<ConnectedBot[]> {
    return (await this.root.telegramBot.findMany({ where: { enabled: true } })).map((b) => this.open(b));
  }

  /** The tenant's settings changed: its bot (if any) reloads them now rather than within half a minute. */
  async tenantChanged(tenantId: string): Promise<void> {
    const bot = await this.root.telegramBot.findUnique({ where: { tenantId } });
    if (bot?.enabled) this.changed(bot);
  }

  /** The tenant's bot as admins may see it (never the token or the webhook secret); null if none was ever connected. */
  async ofTenant(tenantId: string): Promise<BotInfo | null> {
    const bot = await this.root.telegramBot.findUnique({ where: { tenantId } });
    return bot ? { id: bot.id, tenantId: bot.tenantId, telegramId: bot.telegramId, username: bot.username, enabled: bot.enabled, createdAt: bot.createdAt, updatedAt: bot.updatedAt } : null;
  }

  async listInfo() {
    const bots = await this.root.telegramBot.findMany({ include: { tenant: true }, orderBy: { createdAt: "asc" } });
    return bots.map((b) => ({ id: b.id, tenant: b.tenant.slug, username: b.username, enabled: b.enabled }));
  }
}
