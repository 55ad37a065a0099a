// Tickets (cases): opening, status along the allowed transitions, priority,
// assignment, tags, hand-over to a person. The API and the bot both use these.
import type { Channel, Priority, Ticket, TicketStatus } from "../generated/prisma/index.js";
import { FRONT_OFFICE_ROLES } from "../tenants/permissions.js";
import type { TenantTx } from "../tenants/scoped-db.js";
import { recordAudit } from "./audit.js";
import { resolveContactId } from "./contacts.js";
import { nextNumber } from "./counters.js";
import { publish, type TenantDeps } from "./deps.js";
import { ValidationError } from "./errors.js";
import { must, tags as checkTags, text } from "./input.js";
import { columnsOf } from "./rows.js";
import { isLate } from "./sla.js";

export const SUBJECT_MAX = 200;
export const BODY_MAX = 20_000;

/**
 * Allowed status changes: forward through OPEN → PENDING → RESOLVED → CLOSED, plus what
 * helpdesks do: resolve straight from OPEN (solved on first touch), take a PENDING ticket
 * back to OPEN, and reopen a RESOLVED or CLOSED one. Anything else is refused.
 */
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

/**
 * Opens a ticket with the customer's first message (author CONTACT). The number is the
 * tenant's next one (1, 2, 3…, consecutive even under concurrent creation); due times come
 * from the tenant's SLA policy for the priority; a merged contact's ticket goes to the
 * contact it was (finally) merged into. ValidationError on subject/body/tags, NotFoundError for a
 * contact that is not the tenant's. Audits `ticket.created` and publishes TICKET_CREATED.
 */
export async function openTicket(deps: TenantDeps, input: OpenTicketInput): Promise<Ticket> {
  const subject = text("subject", input.subject, SUBJECT_MAX);
  const body = text("body", input.body, BODY_MAX);
  const tags = checkTags("tags", input.tags) ?? [];
  const priority = input.priority ?? "NORMAL";
  const tenantId = deps.tenant.id;
  const ticket = await deps.scope.tx(async (tx) => {
    const contactId = await resolveContactId(tx, input.contactId);
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

/** What `updateTicket` may change; fields left out stay as they are. */
export interface TicketChanges {
  status?: TicketStatus;
  priority?: Priority;
  /** An operator with a front-office role in the tenant, or null to unassign. */
  assigneeId?: string | null;
  /** Replaces the ticket's tags. */
  tags?: string[];
  /** Set or clear the "customer asked for a person" flag. */
  needsHuman?: boolean;
}

const ACTIONS: Record<keyof TicketChanges, string> = {
  status: "ticket.status_changed",
  priority: "ticket.priority_changed",
  assigneeId: "ticket.assigned",
  tags: "ticket.tagged",
  needsHuman: "ticket.human_flag_changed",
};

/**
 * The fields that reopen a RESOLVED or CLOSED ticket: a new resolution clock starts now
 * (`reopenedAt`). The resolution it had stays in TicketResolution, and a late one keeps
 * the ticket's `resolutionLate`: reopening erases no history.
 */
export function reopenData(deps: TenantDeps, t: Ticket, now: Date): Partial<Ticket> {
  return { status: "OPEN", resolvedAt: null, closedAt: null, reopenedAt: now, resolutionDueAt: dueTimes(deps, t.priority, now).resolutionDueAt };
}

/** When the running resolution clock started: the latest reopening, or the ticket's creation. */
export function resolutionClockStart(t: Pick<Ticket, "reopenedAt" | "createdAt">): Date {
  return t.reopenedAt ?? t.createdAt;
}

/**
 * The ticket, locked until the transaction ends (FOR UPDATE: changes to one ticket are
 * made one at a time), or null for an id that is not one of the tenant's tickets. One
 * statement: the lock and the read.
 */
export async function lockTicket(tx: TenantTx, tenantId: string, id: string): Promise<Ticket | null> {
  const [ticket] = await tx.$queryRaw<Ticket[]>`SELECT ${columnsOf("Ticket")} FROM "Ticket" WHERE "tenantId" = ${tenantId} AND id = ${id} FOR UPDATE`;
  return ticket ?? null;
}

/** Keeps the resolution the ticket just got (see TicketResolution in prisma/schema.prisma). */
async function recordResolution(tx: TenantTx, t: Ticket, resolvedAt: Date): Promise<void> {
  await tx.ticketResolution.create({
    data: { tenantId: t.tenantId, ticketId: t.id, startedAt: resolutionClockStart(t), dueAt: t.resolutionDueAt, resolvedAt, late: isLate(t.resolutionDueAt, resolvedAt) },
  });
}

function statusData(deps: TenantDeps, t: Ticket, status: TicketStatus, now: Date): Partial<Ticket> {
  if (!TRANSITIONS[t.status].includes(status)) {
    throw new ValidationError(
      "status",
      `A ticket in status ${t.status} cannot become ${status}; from ${t.status} it can become ${TRANSITIONS[t.status].join(" or ")}.`,
    );
  }
  if (status === "RESOLVED") {
    return {
      status,
      resolvedAt: now,
      resolutionLate: t.resolutionLate || isLate(t.resolutionDueAt, now),
      // Resolving stops the first-response clock of a ticket nobody answered: late if past its due time.
      ...(!t.firstRespondedAt && isLate(t.firstResponseDueAt, now) ? { firstResponseLate: true } : {}),
    };
  }
  if (status === "CLOSED") return { status, closedAt: now };
  if (t.status === "RESOLVED" || t.status === "CLOSED") return reopenData(deps, t, now);
  return { status };
}

function priorityData(deps: TenantDeps, t: Ticket, priority: Priority): Partial<Ticket> {
  // Due times follow the new priority, each counted from when its clock started: the first
  // response from the ticket's creation, the resolution from the creation or the latest
  // reopening. A met target stays met.
  return {
    priority,
    ...(t.firstRespondedAt ? {} : { firstResponseDueAt: dueTimes(deps, priority, t.createdAt).firstResponseDueAt }),
    ...(t.resolvedAt ? {} : { resolutionDueAt: dueTimes(deps, priority, resolutionClockStart(t)).resolutionDueAt }),
  };
}

/** Checks the assignee before any ticket row is locked: the directory reads global tables on another connection. */
async function checkAssignee(deps: TenantDeps, operatorId: string): Promise<void> {
  if (!operatorId.trim()) throw new ValidationError("assigneeId", "assigneeId must be an operator id; send null to unassign the ticket.");
  const [member] = await deps.directory.membersOf(deps.tenant.id, [operatorId]);
  // An operator of another tenant gets the same answer as one that does not exist.
  if (!member || member.disabledAt) throw new ValidationError("assigneeId", "The assignee must be an active operator who is a member of this tenant.");
  if (!FRONT_OFFICE_ROLES.includes(member.role)) {
    throw new ValidationError("assigneeId", `The assignee is ${member.role} here; tickets go to OWNER, ADMIN or AGENT members.`);
  }
}

/**
 * Changes a ticket's status, priority, assignee, tags and hand-over flag together:
 * everything is checked first, then written in one transaction with the row locked,
 * with one audit event (before/after) and one TICKET_UPDATED event; a resolution is also
 * kept in TicketResolution. A refused change (ValidationError on the field) writes nothing.
 * Changing nothing returns the ticket as it is.
 */
export async function updateTicket(deps: TenantDeps, id: string, changes: TicketChanges): Promise<Ticket> {
  const tags = changes.tags === undefined ? undefined : (checkTags("tags", changes.tags) ?? []);
  // Any string is an operator to check, "" included: only null unassigns.
  if (typeof changes.assigneeId === "string") await checkAssignee(deps, changes.assigneeId);
  const tenantId = deps.tenant.id;
  const result = await deps.scope.tx(async (tx) => {
    const before = must(await lockTicket(tx, tenantId, id), "Ticket", id);
    const now = new Date();
    const data: Partial<Ticket> = {};
    const changed: (keyof TicketChanges)[] = [];
    if (changes.priority && changes.priority !== before.priority) {
      Object.assign(data, priorityData(deps, before, changes.priority));
      changed.push("priority");
    }
    if (changes.status && changes.status !== before.status) {
      Object.assign(data, statusData(deps, { ...before, ...data }, changes.status, now));
      changed.push("status");
    }
    if (changes.assigneeId !== undefined && changes.assigneeId !== before.assigneeId) {
      data.assigneeId = changes.assigneeId;
      changed.push("assigneeId");
    }
    if (tags && JSON.stringify(tags) !== JSON.stringify(before.tags)) {
      data.tags = tags;
      changed.push("tags");
    }
    if (changes.needsHuman !== undefined && changes.needsHuman !== before.needsHuman) {
      data.needsHuman = changes.needsHuman;
      changed.push("needsHuman");
    }
    if (!changed.length) return { ticket: before, changed: false };
    const after = await tx.ticket.update({ where: { tenantId_id: { tenantId, id } }, data });
    if (data.status === "RESOLVED") await recordResolution(tx, after, now);
    const action = changed.length === 1 ? ACTIONS[changed[0]!] : "ticket.updated";
    await recordAudit(tx, tenantId, deps.actor, { action, entityType: "Ticket", entityId: id, before, after });
    return { ticket: after, changed: true };
  });
  if (result.changed) publish(deps, { type: "TICKET_UPDATED", ticketId: id });
  return result.ticket;
}

/** Moves the ticket along TRANSITIONS (ValidationError on `status` otherwise). */
export function changeStatus(deps: TenantDeps, id: string, status: TicketStatus): Promise<Ticket> {
  return updateTicket(deps, id, { status });
}

export function setPriority(deps: TenantDeps, id: string, priority: Priority): Promise<Ticket> {
  return updateTicket(deps, id, { priority });
}

/** Assigns to an operator with a front-office role in this tenant, or unassigns (null). */
export function assignTicket(deps: TenantDeps, id: string, operatorId: string | null): Promise<Ticket> {
  return updateTicket(deps, id, { assigneeId: operatorId });
}

export function setTicketTags(deps: TenantDeps, id: string, tags: string[]): Promise<Ticket> {
  return updateTicket(deps, id, { tags });
}

/**
 * The customer asked for a person (the bot's hand-over): sets `needsHuman` so the
 * ticket stands out in the queue, and reopens a RESOLVED or CLOSED ticket. The flag
 * clears when an operator replies publicly.
 */
export async function requestHuman(deps: TenantDeps, id: string): Promise<Ticket> {
  const tenantId = deps.tenant.id;
  const result = await deps.scope.tx(async (tx) => {
    const before = must(await lockTicket(tx, tenantId, id), "Ticket", id);
    const finished = before.status === "RESOLVED" || before.status === "CLOSED";
    if (before.needsHuman && !finished) return { ticket: before, changed: false };
    const data = { needsHuman: true, ...(finished ? reopenData(deps, before, new Date()) : {}) };
    const after = await tx.ticket.update({ where: { tenantId_id: { tenantId, id } }, data });
    await recordAudit(tx, tenantId, deps.actor, { action: "ticket.human_requested", entityType: "Ticket", entityId: id, before, after });
    return { ticket: after, changed: true };
  });
  if (result.changed) publish(deps, { type: "TICKET_UPDATED", ticketId: id });
  return result.ticket;
}

/** A ticket by id, or null (another tenant's ticket is null too). */
export function findTicket(deps: TenantDeps, id: string): Promise<Ticket | null> {
  return deps.scope.db.ticket.findFirst({ where: { id } });
}

/** A ticket by its per-tenant number (what customers quote), or null. */
export function findTicketByNumber(deps: TenantDeps, number: number): Promise<Ticket | null> {
  if (!Number.isSafeInteger(number) || number < 1) return Promise.resolve(null);
  return deps.scope.db.ticket.findUnique({ where: { tenantId_number: { tenantId: deps.tenant.id, number } } });
}

/** The tickets of one contact, newest first (what a customer may ask about). */
export function ticketsOfContact(deps: TenantDeps, contactId: string, take = 5): Promise<Ticket[]> {
  return deps.scope.db.ticket.findMany({ where: { contactId }, orderBy: { createdAt: "desc" }, take });
}

