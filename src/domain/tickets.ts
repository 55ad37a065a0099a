// Tickets (cases): opening, status along the allowed transitions, priority,
// assignment, tags, hand-over to a person. The API and the bot both use these.
import type { Channel, Priority, Ticket, TicketStatus } from "../generated/prisma/index.js";
import { FRONT_OFFICE_ROLES } from "../tenants/permissions.js";
import { recordAudit } from "./audit.js";
import { nextNumber } from "./counters.js";
import { publish, type TenantDeps } from "./deps.js";
import { ValidationError } from "./errors.js";
import { must, tags as checkTags, text } from "./input.js";

export const SUBJECT_MAX = 200;
export const BODY_MAX = 20_000;

/** Allowed status changes: forward through the life cycle, and reopening a finished ticket. */
export const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  OPEN: ["PENDING", "RESOLVED"],
  PENDING: ["OPEN", "RESOLVED"],
  RESOLVED: ["CLOSED", "OPEN"],
  CLOSED: ["OPEN"],
};

export interface OpenTicketInput {
  contactId: string;
  subject: string;
  /** The customer's first message. */
  body: string;
  priority?: Priority;
  channel: Channel;
  tags?: string[];
}

export function dueTimes(deps: TenantDeps, priority: Priority, from: Date) {
  const target = deps.tenant.settings.slaPolicy[priority];
  return {
    firstResponseDueAt: new Date(from.getTime() + target.firstResponseMinutes * 60_000),
    resolutionDueAt: new Date(from.getTime() + target.resolutionMinutes * 60_000),
  };
}

/** Opens a ticket with its first message; numbers are consecutive per tenant even under concurrency. */
export async function openTicket(deps: TenantDeps, input: OpenTicketInput): Promise<Ticket> {
  const subject = text("subject", input.subject, SUBJECT_MAX);
  const body = text("body", input.body, BODY_MAX);
  const tags = checkTags("tags", input.tags) ?? [];
  const priority = input.priority ?? "NORMAL";
  const tenantId = deps.tenant.id;
  const ticket = await deps.scope.tx(async (tx) => {
    const contact = must(await tx.contact.findFirst({ where: { id: input.contactId } }), "Contact", input.contactId);
    const contactId = contact.mergedIntoId ?? contact.id;
    const now = new Date();
    const created = await tx.ticket.create({
      data: {
        tenantId,
        number: await nextNumber(tx, tenantId, "ticket"),
        subject,
        priority,
        channel: input.channel,
        contactId,
        tags,
        createdAt: now,
        ...dueTimes(deps, priority, now),
        messages: { create: { author: "CONTACT", authorId: contactId, contactId, body, createdAt: now } },
      },
    });
    await recordAudit(tx, tenantId, deps.actor, { action: "ticket.created", entityType: "Ticket", entityId: created.id, after: created });
    return created;
  });
  publish(deps, { type: "TICKET_CREATED", ticketId: ticket.id });
  return ticket;
}

/**
 * Applies `change` to a ticket inside a transaction with the row locked, audits it
 * and publishes TICKET_UPDATED. `change` returns the data to write, or null for no change.
 */
async function changeTicket(
  deps: TenantDeps,
  id: string,
  action: string,
  change: (before: Ticket) => Promise<Partial<Ticket> | null> | Partial<Ticket> | null,
): Promise<Ticket> {
  const tenantId = deps.tenant.id;
  const result = await deps.scope.tx(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Ticket" WHERE id = ${id} FOR UPDATE`;
    const before = must(locked.length ? await tx.ticket.findFirst({ where: { id } }) : null, "Ticket", id);
    const data = await change(before);
    if (!data) return { ticket: before, changed: false };
    const after = await tx.ticket.update({ where: { tenantId_id: { tenantId, id } }, data });
    await recordAudit(tx, tenantId, deps.actor, { action, entityType: "Ticket", entityId: id, before, after });
    return { ticket: after, changed: true };
  });
  if (result.changed) publish(deps, { type: "TICKET_UPDATED", ticketId: id });
  return result.ticket;
}

export function changeStatus(deps: TenantDeps, id: string, status: TicketStatus): Promise<Ticket> {
  return changeTicket(deps, id, "ticket.status_changed", (t) => {
    if (t.status === status) return null;
    if (!TRANSITIONS[t.status].includes(status)) {
      throw new ValidationError(
        "status",
        `A ticket in status ${t.status} cannot become ${status}; from ${t.status} it can become ${TRANSITIONS[t.status].join(" or ")}.`,
      );
    }
    const now = new Date();
    if (status === "RESOLVED") {
      return { status, resolvedAt: now, resolutionLate: t.resolutionDueAt ? now > t.resolutionDueAt : false };
    }
    if (status === "CLOSED") return { status, closedAt: now };
    // Reopening starts a new resolution clock.
    if (t.status === "RESOLVED" || t.status === "CLOSED") {
      return { status, resolvedAt: null, closedAt: null, resolutionLate: false, ...{ resolutionDueAt: dueTimes(deps, t.priority, now).resolutionDueAt } };
    }
    return { status };
  });
}

export function setPriority(deps: TenantDeps, id: string, priority: Priority): Promise<Ticket> {
  return changeTicket(deps, id, "ticket.priority_changed", (t) => {
    if (t.priority === priority) return null;
    // Due times follow the new priority, counted from when the ticket was opened.
    const due = dueTimes(deps, priority, t.createdAt);
    return {
      priority,
      ...(t.firstRespondedAt ? {} : { firstResponseDueAt: due.firstResponseDueAt }),
      ...(t.resolvedAt ? {} : { resolutionDueAt: due.resolutionDueAt }),
    };
  });
}

/** Assigns to an operator with a front-office role in this tenant, or unassigns (null). */
export async function assignTicket(deps: TenantDeps, id: string, operatorId: string | null): Promise<Ticket> {
  // Checked before the ticket's transaction: the directory reads global tables on another connection.
  if (operatorId) {
    const [member] = await deps.directory.membersOf(deps.tenant.id, [operatorId]);
    if (!member || member.disabledAt) throw new ValidationError("assigneeId", "The assignee must be an operator who is a member of this tenant.");
    if (!FRONT_OFFICE_ROLES.includes(member.role)) {
      throw new ValidationError("assigneeId", `The assignee is ${member.role} here; tickets go to OWNER, ADMIN or AGENT members.`);
    }
  }
  return changeTicket(deps, id, "ticket.assigned", (t) => (t.assigneeId === operatorId ? null : { assigneeId: operatorId }));
}

export function setTicketTags(deps: TenantDeps, id: string, tags: string[]): Promise<Ticket> {
  const clean = checkTags("tags", tags) ?? [];
  return changeTicket(deps, id, "ticket.tagged", (t) => (JSON.stringify(t.tags) === JSON.stringify(clean) ? null : { tags: clean }));
}

/** The customer asked for a person: flags the ticket for operators (and reopens a finished one). */
export function requestHuman(deps: TenantDeps, id: string): Promise<Ticket> {
  return changeTicket(deps, id, "ticket.human_requested", (t) => {
    if (t.needsHuman && (t.status === "OPEN" || t.status === "PENDING")) return null;
    return { needsHuman: true, ...(t.status === "RESOLVED" || t.status === "CLOSED" ? { status: "OPEN" as const, resolvedAt: null, closedAt: null } : {}) };
  });
}

/** The tickets of one contact, newest first (what a customer may ask about). */
export function ticketsOfContact(deps: TenantDeps, contactId: string, take = 5): Promise<Ticket[]> {
  return deps.scope.db.ticket.findMany({ where: { contactId }, orderBy: { createdAt: "desc" }, take });
}

