// Operators' replies and rating prompts go out through the BotDelivery outbox: one
// delivery per reply however many processes see the event (a unique key), retried
// when Telegram fails, and found again by a catch-up when the event was lost.
import { GrammyError, InlineKeyboard } from "grammy";
import type { BotDelivery } from "../generated/prisma/index.js";
import type { EventBus, TicketEvent } from "../domain/events.js";
import { isUniqueViolation } from "../domain/input.js";
import type { Logger } from "../logger.js";
import { clip } from "./clean-text.js";
import type { Lanes } from "./lanes.js";
import { sendLong } from "./send.js";
import { ticketLane, type DeskSource, type TenantBot } from "./tenant-bot.js";

const MAX_DELIVERY_ATTEMPTS = 6;
/** How long a delivery being sent is not tried by another worker. */
const SENDING_CLAIM_MS = 60_000;
/** How far back missed deliveries are looked for, and how old they must be. */
const CATCH_UP_WINDOW_MS = 24 * 60 * 60_000;
const CATCH_UP_GRACE_MS = 10_000;

type DeliveryKind = "reply" | "csat" | "nps" | "ces";

export class Outbox {
  constructor(
    private readonly events: EventBus,
    private readonly lanes: Lanes,
    private readonly fresh: DeskSource,
    private readonly logger: Logger,
  ) {}

  /** Subscribes to the tenant's ticket events and delivers what the customer should see; returns the unsubscribe. */
  follow(r: TenantBot): () => void {
    const events = this.events.subscribe("ticket", r.info.tenantId);
    void (async () => {
      for await (const event of events) {
        // Per ticket in order: a reply and the rating prompt after it arrive in that order.
        this.inTicketLane(r, event.ticketId, () => this.onTicketEvent(r, event));
      }
    })();
    return () => void events.return?.(undefined);
  }

  private async onTicketEvent(r: TenantBot, event: TicketEvent): Promise<void> {
    if (event.type === "MESSAGE_ADDED" && event.public && event.messageId) await this.deliverReply(r, event.messageId);
    if (event.type === "TICKET_UPDATED") await this.promptRatings(r, event.ticketId);
  }

  /** An operator's public reply, to the chat of the ticket's own contact. */
  private async deliverReply(r: TenantBot, messageId: string): Promise<void> {
    const { deps, t } = await this.fresh(r);
    const message = await deps.scope.db.message.findFirst({ where: { id: messageId }, include: { ticket: { include: { contact: true } } } });
    // Internal notes never leave; operators' replies go only to the ticket's own contact's chat.
    if (!message || message.internal || message.author !== "OPERATOR") return;
    const chatId = message.ticket.contact.telegramChatId;
    if (!chatId) return;
    await this.enqueue(r, { kind: "reply", dedupKey: `reply:${message.id}`, chatId, ticketId: message.ticketId, messageId: message.id, text: t.operatorReply(message.ticket.number, message.body) });
  }

  /** The rating prompts of a resolved ticket: CSAT, and NPS and CES where the tenant asks for them. */
  private async promptRatings(r: TenantBot, ticketId: string): Promise<void> {
    const { deps, t } = await this.fresh(r);
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
      if (wanted) await this.enqueue(r, { kind, dedupKey: `${kind}:${ticket.id}`, chatId, ticketId: ticket.id, text });
    }
  }

  /**
   * Replies and resolutions of the last day whose delivery was never written: the process
   * stopped, or the database or the event bus failed, between the change and its outbox
   * row. The event path usually wins by far; both write under the same key, so a race
   * between them still sends once.
   */
  async catchUp(r: TenantBot): Promise<void> {
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

  /** Deliveries that failed and whose back-off has passed: sent again. */
  async retryDue(r: TenantBot): Promise<void> {
    const due = await r.desk.deps.scope.db.botDelivery.findMany({
      where: { botId: r.info.id, status: { in: ["PENDING", "FAILED"] }, attempts: { lt: MAX_DELIVERY_ATTEMPTS }, nextAttemptAt: { lte: new Date() } },
      orderBy: { createdAt: "asc" },
      take: 500,
    });
    for (const d of due) this.inTicketLane(r, d.ticketId, () => this.send(r, d));
  }

  /** Work on one ticket's deliveries, in order with the rest of that ticket's. */
  private inTicketLane(r: TenantBot, ticketId: string | null, work: () => Promise<void>): void {
    void this.lanes.run(ticketLane(ticketId), work).catch((err) => this.logger.error({ botId: r.info.id, ticketId, err: (err as Error).message }, "delivery failed"));
  }

  /** Writes the delivery (one per key, across processes) and sends it. */
  private async enqueue(r: TenantBot, d: { kind: DeliveryKind; dedupKey: string; chatId: bigint; ticketId: string; messageId?: string; text: string }): Promise<void> {
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
  private async send(r: TenantBot, row: BotDelivery): Promise<void> {
    const { scope, tenant } = r.desk.deps;
    const now = new Date();
    const claimed = await scope.db.botDelivery.updateMany({
      where: { id: row.id, status: { in: ["PENDING", "FAILED"] }, attempts: row.attempts, nextAttemptAt: { lte: now } },
      data: { attempts: { increment: 1 }, nextAttemptAt: new Date(now.getTime() + SENDING_CLAIM_MS) },
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
      this.logger.warn({ botId: r.info.id, deliveryId: row.id, attempts, giveUp, err: (err as Error).message }, "delivery failed");
    }
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
