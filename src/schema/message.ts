import { DeliveryStatus } from "../generated/prisma/index.js";
import { builder } from "./builder.js";
import { MessageAuthorEnum } from "./enums.js";
import { tenantNode } from "./tenant-node.js";
import { frontReadable } from "./ticket.js";

const DeliveryStatusEnum = builder.enumType(DeliveryStatus, {
  name: "DeliveryStatus",
  description: "PENDING: not sent yet (or being retried); SENT: Telegram accepted it; FAILED: the last attempt failed (see lastError; it is retried unless Telegram refused for good).",
});

const ChatDeliveryRef = builder.prismaObject("BotDelivery", {
  name: "ChatDelivery",
  description: "How an operator's public reply is reaching the customer's Telegram chat.",
  fields: (t) => ({
    status: t.expose("status", { type: DeliveryStatusEnum }),
    attempts: t.exposeInt("attempts"),
    lastError: t.exposeString("lastError", {
      nullable: true,
      description: "Telegram's answer to the last failed attempt, e.g. that the customer blocked the bot.",
    }),
    sentAt: t.expose("sentAt", { type: "DateTime", nullable: true }),
  }),
});

export const MessageRef = builder.prismaNode("Message", {
  ...tenantNode,
  description: "One entry of a ticket's thread. Internal notes are never sent to the customer.",
  authScopes: frontReadable,
  fields: (t) => ({
    author: t.expose("author", { type: MessageAuthorEnum }),
    body: t.exposeString("body"),
    internal: t.exposeBoolean("internal"),
    ticket: t.relation("ticket"),
    contact: t.relation("contact", { nullable: true, description: "The customer who wrote it (CONTACT messages)." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    chatDelivery: t.field({
      type: ChatDeliveryRef,
      nullable: true,
      description: "For an operator's public reply on a ticket whose customer chats with the tenant's Telegram bot: whether it reached the chat. Null otherwise.",
      select: { deliveries: { where: { kind: "reply" }, take: 1 } },
      resolve: (message) => message.deliveries[0] ?? null,
    }),
  }),
});
