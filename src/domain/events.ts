// Ticket events: what the live subscription streams and what the bot consumes to
// deliver operator replies. In memory for one process, through Redis when
// REDIS_URL is set so every API and bot process sees every event.
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub, type PubSub } from "graphql-yoga";
import { Redis } from "ioredis";

export type TicketEventType = "TICKET_CREATED" | "TICKET_UPDATED" | "MESSAGE_ADDED" | "FEEDBACK_RECEIVED";

/** JSON-safe: it crosses Redis as is. */
export interface TicketEvent {
  type: TicketEventType;
  tenantId: string;
  ticketId: string;
  messageId?: string;
  feedbackId?: string;
  /** For MESSAGE_ADDED: whether the customer may see it (public operator or assistant message). */
  public?: boolean;
  /** ISO time of the change. */
  at: string;
}

/** A bot was connected, got a new token or was disconnected: every process reloads it. */
export interface BotChange {
  botId: string;
  tenantId: string;
}

/** API keys were revoked, memberships or a tenant changed: every process forgets the credentials it cached. */
export interface AccessChange {
  tenantId: string;
}

/** A tenant's knowledge articles changed: the front desk rebuilds its index of them. */
export interface KnowledgeChange {
  tenantId: string;
}

type Topics = {
  ticket: [tenantId: string, event: TicketEvent];
  "bot-changed": [change: BotChange];
  "access-changed": [change: AccessChange];
  "knowledge-changed": [change: KnowledgeChange];
};

/**
 * Topic `ticket`, keyed by tenant id: a subscriber only ever receives its own tenant's
 * events. Topics `bot-changed`, `access-changed` and `knowledge-changed` carry no customer
 * data, only what to reload or forget.
 */
export type EventBus = PubSub<Topics> & { close(): Promise<void> };

export function createEventBus(redisUrl?: string): EventBus {
  if (!redisUrl) return Object.assign(createPubSub<Topics>(), { close: async () => undefined });
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false });
  const eventTarget = createRedisEventTarget<any>({ publishClient, subscribeClient });
  const pubsub = createPubSub<Topics>({ eventTarget });
  return Object.assign(pubsub, {
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
