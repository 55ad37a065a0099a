// Live ticket events of the active tenant, over SSE (GraphQL subscription).
// The topic is keyed by the tenant decided in src/tenants/, so a subscriber only
// ever receives its own tenant's events, from this process or (with Redis) any other.
import type { TicketEvent } from "../domain/events.js";
import { accessError, builder } from "./builder.js";

const TicketEventType = builder.enumType("TicketEventType", {
  values: ["TICKET_CREATED", "TICKET_UPDATED", "MESSAGE_ADDED", "FEEDBACK_RECEIVED"] as const,
});

const TicketEventRef = builder.objectRef<TicketEvent>("TicketEvent").implement({
  description: "Something happened to a ticket of the active tenant. Read the ticket (and message or feedback) as it is now.",
  fields: (t) => ({
    type: t.field({ type: TicketEventType, resolve: (e) => e.type }),
    at: t.field({ type: "DateTime", resolve: (e) => new Date(e.at) }),
    public: t.boolean({
      nullable: true,
      description: "MESSAGE_ADDED only: true when the message goes to the customer (an operator's public reply), false for notes and the customer's own messages.",
      resolve: (e) => (e.type === "MESSAGE_ADDED" ? (e.public ?? false) : null),
    }),
    ticket: t.prismaField({
      type: "Ticket",
      nullable: true,
      resolve: (query, e, _args, ctx) => ctx.scope!.db.ticket.findFirst({ ...query, where: { id: e.ticketId } }),
    }),
    message: t.prismaField({
      type: "Message",
      nullable: true,
      resolve: (query, e, _args, ctx) => (e.messageId ? ctx.scope!.db.message.findFirst({ ...query, where: { id: e.messageId } }) : null),
    }),
    feedback: t.prismaField({
      type: "Feedback",
      nullable: true,
      resolve: (query, e, _args, ctx) => (e.feedbackId ? ctx.scope!.db.feedback.findFirst({ ...query, where: { id: e.feedbackId } }) : null),
    }),
  }),
});

builder.subscriptionField("ticketEvents", (t) =>
  t.field({
    type: TicketEventRef,
    description: "Tickets created or updated, messages added and feedback received in the active tenant (needs front:read).",
    authScopes: { can: "front:read" },
    subscribe: (_r, _a, ctx) => {
      // Auth scopes guard each event's resolution, not the subscription itself: refuse here,
      // before a caller without a tenant or without front:read is attached to any topic.
      if (!ctx.tenant || !ctx.permissions.has("front:read")) throw accessError(ctx);
      return ctx.services.events.subscribe("ticket", ctx.tenant.id);
    },
    resolve: (event) => event,
  }),
);
