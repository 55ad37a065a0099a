// A ticket's thread. Operators' public replies reach the customer (the bot delivers
// them on MESSAGE_ADDED with public=true); internal notes never do.
import type { Message, MessageAuthor, Ticket } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import { publish, type TenantDeps } from "./deps.js";
import { ValidationError } from "./errors.js";
import { must, text } from "./input.js";
import { isLate } from "./sla.js";
import { BODY_MAX, lockTicket, reopenData } from "./tickets.js";

export interface AddMessageInput {
  ticketId: string;
  body: string;
  author: MessageAuthor;
  /** Internal notes are for operators only. */
  internal?: boolean;
}

/**
 * Adds a message to a ticket's thread, in one transaction with the ticket locked:
 * - the first public OPERATOR message sets the first-response time (and whether it was late)
 *   and clears the hand-over flag (`needsHuman`);
 * - a CONTACT message puts a PENDING ticket back to OPEN and reopens a RESOLVED or CLOSED one;
 * - publishes MESSAGE_ADDED with `public: true` when the message must reach the customer's chat
 *   (a non-internal OPERATOR or SYSTEM message): the bot delivers those. Contact and assistant
 *   messages are already in the chat, so they are `public: false` for delivery purposes.
 */
export async function addMessage(deps: TenantDeps, input: AddMessageInput): Promise<Message> {
  const body = text("body", input.body, BODY_MAX);
  const internal = input.internal ?? false;
  if (internal && input.author !== "OPERATOR" && input.author !== "SYSTEM") {
    throw new ValidationError("internal", "Only operators write internal notes.");
  }
  const tenantId = deps.tenant.id;
  const message = await deps.scope.tx(async (tx) => {
    const ticket = must(await lockTicket(tx, tenantId, input.ticketId), "Ticket", input.ticketId);
    const now = new Date();
    const created = await tx.message.create({
      data: {
        tenantId,
        ticketId: ticket.id,
        author: input.author,
        authorId: input.author === "OPERATOR" ? (deps.actor.id ?? null) : input.author === "CONTACT" ? ticket.contactId : null,
        contactId: input.author === "CONTACT" ? ticket.contactId : null,
        body,
        internal,
        createdAt: now,
      },
    });
    const update: Partial<Ticket> = {};
    if (input.author === "OPERATOR" && !internal) {
      if (!ticket.firstRespondedAt) {
        update.firstRespondedAt = now;
        update.firstResponseLate = ticket.firstResponseLate || isLate(ticket.firstResponseDueAt, now);
      }
      if (ticket.needsHuman) update.needsHuman = false;
    }
    if (input.author === "CONTACT") {
      // The customer writing again puts the ticket back in the operators' court.
      if (ticket.status === "PENDING") update.status = "OPEN";
      if (ticket.status === "RESOLVED" || ticket.status === "CLOSED") Object.assign(update, reopenData(deps, ticket, now));
    }
    const after = await tx.ticket.update({ where: { tenantId_id: { tenantId, id: ticket.id } }, data: { ...update, updatedAt: now } });
    const ticketChanged = Object.keys(update).length > 0;
    await recordAudit(tx, tenantId, deps.actor, {
      action: internal ? "message.note_added" : "message.added",
      entityType: "Message",
      entityId: created.id,
      ...(ticketChanged ? { before: { ticket } } : {}),
      after: ticketChanged ? { message: created, ticket: after } : { message: created },
    });
    return created;
  });
  publish(deps, {
    type: "MESSAGE_ADDED",
    ticketId: input.ticketId,
    messageId: message.id,
    public: !internal && (input.author === "OPERATOR" || input.author === "SYSTEM"),
  });
  return message;
}

/** An operator's reply (public, delivered to the customer) or internal note. */
export function replyToTicket(deps: TenantDeps, ticketId: string, body: string, internal = false): Promise<Message> {
  return addMessage(deps, { ticketId, body, author: "OPERATOR", internal });
}
