// Live ticket events of the active tenant, over SSE (GraphQL subscription).
import type { TicketEvent } from "../domain/events.js";
import { builder } from "./builder.js";

const TicketEventType = builder.enumType("TicketEventType", {
  values: ["TICKET_CREATED", "TICKET_UPDATED", "MESSAGE_ADDED", "FEEDBACK_RECEIVED"] as const,
});

const TicketEventRef = builder.objectRef<TicketEvent>("TicketEvent").implement({
  fields: (t) => ({
    type: t.field({ type: TicketEventType, resolve: (e) => e.type }),
    at: t.field({ type: "DateTime", resolve: (e) => new Date(e.at) }),
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
  }),
});

builder.subscriptionField("ticketEvents", (t) =>
  t.field({
    type: TicketEventRef,
    description: "Tickets created or updated, messages added and feedback received in the active tenant.",
    authScopes: { can: "front:read" },
    subscribe: (_r, _a, ctx) => ctx.services.events.subscribe("ticket", ctx.tenant!.id),
    resolve: (event) => event,
  }),
);
