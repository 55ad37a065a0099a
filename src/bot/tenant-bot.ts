// One tenant's running bot, as the parts of the front desk see it: the intake, the
// chat turns, the outbox and the sweeps work on it; the registry creates and refreshes it.
import type { Bot } from "grammy";
import type { ConnectedBot } from "../tenants/bots.js";
import type { Claims } from "./claims.js";
import type { BotContext, Desk } from "./context.js";

export interface TenantBot {
  readonly info: ConnectedBot;
  readonly bot: Bot<BotContext>;
  /** Its stored updates and the claims on them. */
  readonly claims: Claims;
  /** The tenant's desk as last loaded (see `DeskSource`). */
  desk: Desk;
}

/** The desk with the tenant's settings reloaded when they are older than the refresh interval. */
export type DeskSource = (r: TenantBot) => Promise<Desk>;

/** Work of one chat runs in this lane (one at a time, in order). */
export function chatLane(r: TenantBot, chatId: bigint | null): string {
  return `chat:${r.info.id}:${chatId ?? "none"}`;
}

/** Work on one ticket's deliveries runs in this lane. */
export function ticketLane(ticketId: string | null): string {
  return `ticket:${ticketId}`;
}
