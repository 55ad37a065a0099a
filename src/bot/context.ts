// The one context type every feature sees: grammY's context plus the desk of the
// tenant whose bot received the update. (The API's context is ApiContext; the two
// are named apart on purpose.)
import type { Context } from "grammy";
import type { TenantDeps } from "../domain/deps.js";
import type { Logger } from "../logger.js";
import type { BotIdentity } from "../tenants/bots.js";
import type { ChatStore } from "./chat-state.js";
import type { FrontDesk } from "./front-desk.js";
import type { Texts } from "./texts.js";

export interface Desk {
  /** Which bot this is (never its token). */
  bot: BotIdentity;
  deps: TenantDeps;
  frontDesk: FrontDesk;
  chats: ChatStore;
  logger: Logger;
  /** The tenant's locale: what the desk says when it speaks without the LLM. */
  t: Texts;
  /**
   * Runs before each call to the Bot API during a turn: the turn commits what it did so
   * far, so nothing is said to the customer that is not stored (see turn-transaction.ts).
   */
  beforeSending?: () => Promise<void>;
}

export interface DeskFlavor {
  desk: Desk;
}

export type BotContext = Context & DeskFlavor;
