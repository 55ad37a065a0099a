// The operator queue: one list across every tenant where the operator holds a
// front-office role. This is the explicit, membership-checked cross-tenant path.
import { FRONT_OFFICE_ROLES } from "../tenants/permissions.js";
import { ForbiddenError } from "../domain/errors.js";
import { builder } from "./builder.js";
import { PriorityEnum, TicketStatusEnum } from "./enums.js";
import { checkPage } from "./inputs.js";
import { slaBreachedWhere } from "../domain/sla.js";
import { ticketOrder, TicketOrder } from "./ticket.js";
import type { Prisma } from "../generated/prisma/index.js";
import type { ApiContext } from "./context.js";

const QueueFilter = builder.inputType("QueueFilter", {
  fields: (t) => ({
    tenants: t.stringList({ required: false, description: "Slugs or ids of tenants to include (default: all you serve)." }),
    status: t.field({ type: [TicketStatusEnum], required: false, description: "Default: OPEN and PENDING (the work still to do); [] for every status." }),
    priority: t.field({ type: [PriorityEnum], required: false }),
    assignedToMe: t.boolean({ required: false }),
    slaBreached: t.boolean({ required: false }),
    needsHuman: t.boolean({ required: false }),
  }),
});

builder.queryField("queue", (t) =>
  t.prismaConnection(
    {
      type: "Ticket",
      cursor: "tenantId_id",
      description: "Tickets across every tenant where you are OWNER, ADMIN or AGENT. Needs no X-Tenant.",
      authScopes: { operator: true },
      args: { filter: t.arg({ type: QueueFilter, required: false }), orderBy: t.arg({ type: TicketOrder, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        const where = queueWhere(ctx, args.filter);
        return ctx.queueScope!.db.ticket.findMany({ ...query, where, orderBy: ticketOrder(args.orderBy ?? { field: "DUE", direction: "ASC" }) });
      },
      totalCount: (_c, args, ctx) => {
        checkPage(args);
        const where = queueWhere(ctx, args.filter);
        return ctx.queueScope!.db.ticket.count({ where });
      },
    },
    {},
    {},
  ),
);

type Ctx = ApiContext;

function queueWhere(ctx: Ctx, filter: typeof QueueFilter.$inferInput | null | undefined): Prisma.TicketWhereInput {
  if (ctx.caller.kind !== "operator") throw new ForbiddenError("The queue is for operators: log in as one.");
  let grants = ctx.caller.memberships.filter((m) => FRONT_OFFICE_ROLES.includes(m.role));
  if (filter?.tenants?.length) {
    // Asking for a tenant you do not work tickets in is refused, with the same words whether it exists or not.
    for (const ref of filter.tenants) {
      if (!grants.some((m) => m.tenant.slug === ref || m.tenant.id === ref)) {
        throw new ForbiddenError(`You do not work tickets in tenant "${ref.slice(0, 100)}": the queue covers tenants where you are OWNER, ADMIN or AGENT.`);
      }
    }
    const wanted = new Set(filter.tenants);
    grants = grants.filter((m) => wanted.has(m.tenant.slug) || wanted.has(m.tenant.id));
  }
  // No front-office tenant: an empty queue, never "all".
  const ids = grants.map((g) => g.tenant.id);
  const scopeIds = ids.length ? ids : ["none"];
  ctx.queueTenantIds = ids;
  // The active tenant stays readable for the request's other fields; the condition below keeps the queue to `ids`.
  ctx.queueScope = ctx.services.scopes.forTenants([...new Set([...scopeIds, ...(ctx.tenant ? [ctx.tenant.id] : [])])]);
  const and: Prisma.TicketWhereInput[] = [{ tenantId: { in: scopeIds } }];
  const status = filter?.status ?? ["OPEN", "PENDING"];
  if (status.length) and.push({ status: { in: status } });
  if (filter?.priority?.length) and.push({ priority: { in: filter.priority } });
  if (filter?.assignedToMe) and.push({ assigneeId: ctx.caller.operator.id });
  if (filter?.slaBreached !== null && filter?.slaBreached !== undefined) and.push(slaBreachedWhere(filter.slaBreached));
  if (filter?.needsHuman !== null && filter?.needsHuman !== undefined) and.push({ needsHuman: filter.needsHuman });
  return { AND: and };
}
