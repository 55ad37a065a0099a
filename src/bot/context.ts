import type { Context } from "grammy";
import type { TenantDeps } from "../domain/deps.js";
import type { Logger } from "../logger.js";
import type { ConnectedBot } from "../tenants/bots.js";
import type { Assistant } from "./assistant/types.js";

/** What every feature gets besides grammY's context: the tenant this bot serves. */
export interface DeskFlavor {
  desk: {
    bot: ConnectedBot;
    deps: TenantDeps;
    assistants: { llm: Assistant | null; offline: Assistant };
    logger: Logger;
  };
}

export type BotContext = Context & DeskFlavor;
