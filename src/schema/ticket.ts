import type { Prisma, TicketStatus } from "../generated/prisma/index.js";
import { addMessage } from "../domain/messages.js";
import { isBreached, isSlaBreached, slaBreachedWhere } from "../domain/sla.js";
import { openTicket, requestHuman, TRANSITIONS, updateTicket } from "../domain/tickets.js";
import { builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { ChannelEnum, PriorityEnum, TicketStatusEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { operatorLoader } from "./loaders.js";
import { OperatorRef } from "./operator.js";
import { TenantRef } from "./tenant.js";
import { tenantNode } from "./tenant-node.js";

/** Front-office types are readable with front:read, or through the membership-checked operator queue. */
export function frontReadable(row: { tenantId: string }, ctx: ApiContext) {
  return ctx.queueTenantIds?.includes(row.tenantId) ? true : { can: "front:read" as const };
}

export const TicketRef = builder.prismaNode("Ticket", {
  ...tenantNode,
  description: "A case: a customer's request and its thread, numbered 1, 2, 3… within the tenant.",
  authScopes: frontReadable,
  fields: (t) => ({
    number: t.exposeInt("number"),
    subject: t.exposeString("subject"),
    status: t.expose("status", { type: TicketStatusEnum }),
    priority: t.expose("priority", { type: PriorityEnum }),
    channel: t.expose("channel", { type: ChannelEnum }),
    tags: t.exposeStringList("tags"),
    needsHuman: t.exposeBoolean("needsHuman", { description: "The customer asked for a person." }),
    tenant: t.field({
      type: TenantRef,
      description: "The tenant the ticket belongs to (useful in the cross-tenant queue).",
      resolve: (ticket, _args, ctx) =>
        ctx.caller.kind === "apiKey"
          ? ctx.caller.tenant
          : ctx.caller.kind === "operator"
            ? ctx.caller.memberships.find((m) => m.tenant.id === ticket.tenantId)!.tenant
            : ctx.tenant!,
    }),
    contact: t.relation("contact"),
    assignee: t.field({
      type: OperatorRef,
      nullable: true,
      resolve: (ticket, _args, ctx) => (ticket.assigneeId ? operatorLoader(ctx).load(`${ticket.tenantId}:${ticket.assigneeId}`) : null),
    }),
    messages: t.relatedConnection("messages", {
      cursor: "tenantId_id",
      totalCount: true,
      description: "The thread, oldest first; `last: 3` gives the three latest.",
      query: (args) => {
        checkPage(args);
        return { orderBy: [{ createdAt: "asc" }, { id: "asc" }] };
      },
    }),
    feedback: t.relatedConnection("feedback", {
      cursor: "tenantId_id",
      totalCount: true,
      description: "The customer's ratings of this ticket (at most one of each kind).",
      query: (args) => {
        checkPage(args);
        return { orderBy: [{ createdAt: "asc" }, { id: "asc" }] };
      },
    }),
    firstResponseDueAt: t.expose("firstResponseDueAt", {
      type: "DateTime",
      nullable: true,
      description: "From the tenant's SLA policy for the priority, counted from the ticket's creation.",
    }),
    resolutionDueAt: t.expose("resolutionDueAt", {
      type: "DateTime",
      nullable: true,
      description: "From the tenant's SLA policy for the priority, counted from the ticket's creation or, once reopened, from `reopenedAt`.",
    }),
    nextDueAt: t.expose("nextDueAt", {
      type: "DateTime",
      nullable: true,
      description:
        "The earliest due time still running: `firstResponseDueAt` while nobody answered, else `resolutionDueAt`; null once RESOLVED or CLOSED. The DUE order sorts by it.",
    }),
    firstRespondedAt: t.expose("firstRespondedAt", { type: "DateTime", nullable: true }),
    resolvedAt: t.expose("resolvedAt", { type: "DateTime", nullable: true, description: "The current resolution; null again once reopened." }),
    reopenedAt: t.expose("reopenedAt", { type: "DateTime", nullable: true, description: "When the ticket was last reopened: its resolution clock runs from then." }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    firstResponseBreached: t.boolean({
      description:
        "The first response came after its due time (resolving an unanswered ticket after it counts as late), or it is still missing after it while the ticket is OPEN or PENDING.",
      resolve: (ticket) => isBreached(ticket, "firstResponse"),
    }),
    resolutionBreached: t.boolean({
      description: "A resolution came after its due time (reopening does not undo that), or the running one is still missing after it.",
      resolve: (ticket) => isBreached(ticket, "resolution"),
    }),
    slaBreached: t.boolean({
      description: "firstResponseBreached or resolutionBreached: the same definition as the slaBreached filter and the metrics' slaBreaches.",
      resolve: (ticket) => isSlaBreached(ticket),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

// ---------------------------------------------------------------- queries

const TicketOrderField = builder.enumType("TicketOrderField", {
  values: {
    CREATED_AT: {},
    UPDATED_AT: {},
    PRIORITY: {},
    DUE: { description: "By `nextDueAt`: first response due while unanswered, else resolution due; RESOLVED and CLOSED tickets last." },
  } as const,
});
export const OrderDirection = builder.enumType("OrderDirection", { values: ["ASC", "DESC"] as const });

export const TicketOrder = builder.inputType("TicketOrder", {
  fields: (t) => ({
    field: t.field({ type: TicketOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: "DESC" }),
  }),
});

export const TicketFilter = builder.inputType("TicketFilter", {
  fields: (t) => ({
    status: t.field({ type: [TicketStatusEnum], required: false }),
    priority: t.field({ type: [PriorityEnum], required: false }),
    assigneeId: t.id({ required: false, description: "An operator id (from `members`)." }),
    unassigned: t.boolean({ required: false }),
    contactId: t.id({ required: false }),
    tag: t.string({ required: false }),
    search: t.string({ required: false, description: "Words in the subject or the thread." }),
    createdAfter: t.field({ type: "DateTime", required: false }),
    createdBefore: t.field({ type: "DateTime", required: false }),
    slaBreached: t.boolean({ required: false }),
    needsHuman: t.boolean({ required: false }),
  }),
});

type Filter = typeof TicketFilter.$inferInput;
type Order = typeof TicketOrder.$inferInput;

export function ticketWhere(filter: Filter | null | undefined): Prisma.TicketWhereInput {
  if (!filter) return {};
  const and: Prisma.TicketWhereInput[] = [];
  if (filter.status?.length) and.push({ status: { in: filter.status } });
  if (filter.priority?.length) and.push({ priority: { in: filter.priority } });
  if (filter.assigneeId) and.push({ assigneeId: String(filter.assigneeId) });
  if (filter.unassigned !== null && filter.unassigned !== undefined) and.push({ assigneeId: filter.unassigned ? null : { not: null } });
  if (filter.contactId) and.push({ contactId: idOf("filter.contactId", filter.contactId, "Contact") });
  if (filter.tag) and.push({ tags: { has: filter.tag.trim().toLowerCase() } });
  if (filter.createdAfter) and.push({ createdAt: { gte: filter.createdAfter } });
  if (filter.createdBefore) and.push({ createdAt: { lt: filter.createdBefore } });
  if (filter.slaBreached !== null && filter.slaBreached !== undefined) and.push(slaBreachedWhere(filter.slaBreached));
  if (filter.needsHuman !== null && filter.needsHuman !== undefined) and.push({ needsHuman: filter.needsHuman });
  const words = (filter.search ?? "").split(/\s+/).filter(Boolean).slice(0, 10);
  for (const w of words) {
    if (w.length > 100) continue;
    and.push({ OR: [{ subject: { contains: w, mode: "insensitive" } }, { messages: { some: { body: { contains: w, mode: "insensitive" } } } }] });
  }
  return { AND: and };
}

export function ticketOrder(order: Order | null | undefined): Prisma.TicketOrderByWithRelationInput[] {
  const dir = order?.direction === "ASC" ? "asc" : "desc";
  // DUE: the earliest running due time (nextDueAt); tickets with none (RESOLVED, CLOSED) come last either way.
  if (order?.field === "DUE") return [{ nextDueAt: { sort: dir, nulls: "last" } }, { id: dir }];
  const field = { CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", PRIORITY: "priority" }[order?.field ?? "CREATED_AT"];
  return [{ [field]: dir }, { id: dir }];
}

builder.queryField("tickets", (t) =>
  t.prismaConnection(
    {
      type: "Ticket",
      cursor: "tenantId_id",
      authScopes: { can: "front:read" },
      args: {
        filter: t.arg({ type: TicketFilter, required: false }),
        orderBy: t.arg({ type: TicketOrder, required: false }),
      },
      resolve: (query, _root, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.ticket.findMany({ ...query, where: ticketWhere(args.filter), orderBy: ticketOrder(args.orderBy) });
      },
      totalCount: (_conn, args, ctx) => checkPage(args) ?? ctx.scope!.db.ticket.count({ where: ticketWhere(args.filter) }),
    },
    {},
    {},
  ),
);

builder.queryField("ticketByNumber", (t) =>
  t.prismaField({
    type: "Ticket",
    nullable: true,
    authScopes: { can: "front:read" },
    args: { number: t.arg.int({ required: true }) },
    resolve: (query, _root, { number }, ctx) =>
      ctx.scope!.db.ticket.findUnique({ ...query, where: { tenantId_number: { tenantId: ctx.tenant!.id, number } } }),
  }),
);

// ---------------------------------------------------------------- mutations

const writeTicket = { authScopes: { can: "front:write" as const }, errors: { types: MUTATION_ERRORS } };

const CreateTicketInput = builder.inputType("CreateTicketInput", {
  fields: (t) => ({
    contactId: t.id({ required: true }),
    subject: t.string({ required: true }),
    body: t.string({ required: true, description: "The customer's first message." }),
    priority: t.field({ type: PriorityEnum, required: false }),
    channel: t.field({ type: ChannelEnum, required: false, defaultValue: "API" }),
    tags: t.stringList({ required: false }),
  }),
});

builder.mutationField("createTicket", (t) =>
  t.field({
    type: TicketRef,
    ...writeTicket,
    args: { input: t.arg({ type: CreateTicketInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      openTicket(tenantDeps(ctx), {
        contactId: idOf("contactId", input.contactId, "Contact"),
        subject: input.subject,
        body: input.body,
        priority: input.priority ?? undefined,
        channel: input.channel ?? "API",
        tags: input.tags ?? undefined,
      }),
  }),
);

/** The allowed status changes, spelled out from the rule itself so the API documentation cannot drift from it. */
const ALLOWED_TRANSITIONS = (Object.entries(TRANSITIONS) as [TicketStatus, readonly TicketStatus[]][])
  .map(([from, to]) => `${from} → ${to.join(" or ")}`)
  .join("; ");

const UpdateTicketInput = builder.inputType("UpdateTicketInput", {
  description: `Only the fields given change; if any of them is refused, nothing changes. Allowed status changes: ${ALLOWED_TRANSITIONS}.`,
  fields: (t) => ({
    id: t.id({ required: true }),
    status: t.field({
      type: TicketStatusEnum,
      required: false,
      description:
        `Allowed changes: ${ALLOWED_TRANSITIONS}. Moving a RESOLVED or CLOSED ticket to OPEN reopens it and starts a new resolution clock. ` +
        "Any other change (e.g. OPEN → CLOSED, CLOSED → PENDING) is a ValidationError on `status`; giving the current status changes nothing.",
    }),
    priority: t.field({ type: PriorityEnum, required: false }),
    assigneeId: t.id({ required: false, description: "An operator id (from `members`); null unassigns. An empty id is a ValidationError." }),
    tags: t.stringList({ required: false, description: "Replaces the ticket's tags." }),
    needsHuman: t.boolean({ required: false, description: "Set or clear the \"customer asked for a person\" flag." }),
  }),
});

builder.mutationField("updateTicket", (t) =>
  t.field({
    type: TicketRef,
    ...writeTicket,
    description: "Changes status, priority, assignee, tags and the hand-over flag at once: all of it is written, or (on an error) none of it.",
    args: { input: t.arg({ type: UpdateTicketInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      updateTicket(tenantDeps(ctx), idOf("id", input.id, "Ticket"), {
        status: input.status ?? undefined,
        priority: input.priority ?? undefined,
        assigneeId: input.assigneeId === undefined ? undefined : input.assigneeId === null ? null : String(input.assigneeId),
        tags: input.tags ?? undefined,
        needsHuman: input.needsHuman ?? undefined,
      }),
  }),
);

builder.mutationField("requestHuman", (t) =>
  t.field({
    type: TicketRef,
    ...writeTicket,
    description: "Flags a ticket for a person (the bot does this when a customer asks).",
    args: { input: t.arg({ type: builder.inputType("RequestHumanInput", { fields: (f) => ({ ticketId: f.id({ required: true }) }) }), required: true }) },
    resolve: (_root, { input }, ctx) => requestHuman(tenantDeps(ctx), idOf("ticketId", input.ticketId, "Ticket")),
  }),
);

const ReplyInput = builder.inputType("ReplyInput", {
  fields: (t) => ({
    ticketId: t.id({ required: true }),
    body: t.string({ required: true }),
    internal: t.boolean({ required: false, defaultValue: false, description: "An internal note: never sent to the customer." }),
  }),
});

builder.mutationField("reply", (t) =>
  t.prismaField({
    type: "Message",
    ...writeTicket,
    description: "An operator's reply on a ticket. Public replies reach the customer's chat; the first one sets the first-response time.",
    args: { input: t.arg({ type: ReplyInput, required: true }) },
    resolve: (_query, _root, { input }, ctx) =>
      addMessage(tenantDeps(ctx), {
        ticketId: idOf("ticketId", input.ticketId, "Ticket"),
        body: input.body,
        author: "OPERATOR",
        internal: input.internal ?? false,
      }),
  }),
);

const AddCustomerMessageInput = builder.inputType("AddCustomerMessageInput", {
  fields: (t) => ({ ticketId: t.id({ required: true }), body: t.string({ required: true }) }),
});

builder.mutationField("addCustomerMessage", (t) =>
  t.prismaField({
    type: "Message",
    ...writeTicket,
    description: "Adds a message from the ticket's customer (for channels a partner app relays).",
    args: { input: t.arg({ type: AddCustomerMessageInput, required: true }) },
    resolve: (_query, _root, { input }, ctx) =>
      addMessage(tenantDeps(ctx), { ticketId: idOf("ticketId", input.ticketId, "Ticket"), body: input.body, author: "CONTACT" }),
  }),
);
