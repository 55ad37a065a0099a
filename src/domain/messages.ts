// A ticket's thread. Operators' public replies reach the customer (the bot delivers
// them on MESSAGE_ADDED with public=true); internal notes never do.
import type { Message, MessageAuthor } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import { publish, type TenantDeps } from "./deps.js";
import { ValidationError } from "./errors.js";
import { must, text } from "./input.js";
import { BODY_MAX } from "./tickets.js";

export interface AddMessageInput {
  ticketId: string;
  body: string;
  author: MessageAuthor;
  /** Internal notes are for operators only. */
  internal?: boolean;
}

export async function addMessage(deps: TenantDeps, input: AddMessageInput): Promise<Message> {
  const body = text("body", input.body, BODY_MAX);
  const internal = input.internal ?? false;
  if (internal && input.author !== "OPERATOR" && input.author !== "SYSTEM") {
    throw new ValidationError("internal", "Only operators write internal notes.");
  }
  const tenantId = deps.tenant.id;
  const message = await deps.scope.tx(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Ticket" WHERE id = ${input.ticketId} FOR UPDATE`;
    const ticket = must(await tx.ticket.findFirst({ where: { id: input.ticketId } }), "Ticket", input.ticketId);
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
    const update: Record<string, unknown> = {};
    if (input.author === "OPERATOR" && !internal && !ticket.firstRespondedAt) {
      update.firstRespondedAt = now;
      update.firstResponseLate = ticket.firstResponseDueAt ? now > ticket.firstResponseDueAt : false;
    }
    // A customer writing again puts a waiting ticket back in the operators' court.
    if (input.author === "CONTACT" && ticket.status === "PENDING") update.status = "OPEN";
    await tx.ticket.update({ where: { tenantId_id: { tenantId, id: ticket.id } }, data: { ...update, updatedAt: now } });
    await recordAudit(tx, tenantId, deps.actor, {
      action: internal ? "message.note_added" : "message.added",
      entityType: "Message",
      entityId: created.id,
      after: created,
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
