// SLA breaches: the one definition that the ticket fields (firstResponseBreached,
// resolutionBreached, slaBreached), the slaBreached filters of `tickets` and `queue`, and
// the metrics all use.
//
// A ticket has two targets, each with a clock: first response (from creation until the
// first public operator reply) and resolution (from creation, or from the latest reopening,
// until it is resolved). A target is breached when
// - it was met after its due time: `late`, recorded when it is met and never cleared, not
//   even by reopening (metrics keep each resolution in TicketResolution); resolving a ticket
//   nobody answered stops its first-response clock, late if past its due time; or
// - its clock is still running past its due time: the ticket is OPEN or PENDING and the
//   target is not met yet.
import type { Prisma, Ticket, TicketStatus } from "../generated/prisma/index.js";

export type SlaTarget = "firstResponse" | "resolution";

/** The columns that hold each target's clock. */
const CLOCK = {
  firstResponse: { due: "firstResponseDueAt", met: "firstRespondedAt", late: "firstResponseLate" },
  resolution: { due: "resolutionDueAt", met: "resolvedAt", late: "resolutionLate" },
} as const;

export const SLA_TARGETS = Object.keys(CLOCK) as SlaTarget[];

/** The statuses in which a ticket's clocks run. */
export const RUNNING_STATUSES: readonly TicketStatus[] = ["OPEN", "PENDING"];

type Clocks = Pick<Ticket, "status" | (typeof CLOCK)[SlaTarget][keyof (typeof CLOCK)[SlaTarget]]>;

/** Whether a target met at `metAt` was late: after its due time (never, without one). */
export function isLate(dueAt: Date | null, metAt: Date): boolean {
  return dueAt !== null && metAt > dueAt;
}

/** The target's clock is running past its due time. */
export function isOverdue(t: Clocks, target: SlaTarget, now = new Date()): boolean {
  const c = CLOCK[target];
  const due = t[c.due];
  return RUNNING_STATUSES.includes(t.status) && !t[c.met] && due !== null && due < now;
}

export function isBreached(t: Clocks, target: SlaTarget, now = new Date()): boolean {
  return t[CLOCK[target].late] || isOverdue(t, target, now);
}

/** Any target breached. */
export function isSlaBreached(t: Clocks, now = new Date()): boolean {
  return SLA_TARGETS.some((target) => isBreached(t, target, now));
}

/** isOverdue as a Prisma condition on Ticket. */
export function overdueWhere(target: SlaTarget, now = new Date()): Prisma.TicketWhereInput {
  const c = CLOCK[target];
  // `not: null` keeps the condition true or false, never NULL, so NOT (below) is its exact complement.
  return { status: { in: [...RUNNING_STATUSES] }, [c.met]: null, [c.due]: { not: null, lt: now } };
}

/** isBreached as a Prisma condition on Ticket. */
export function breachedWhere(target: SlaTarget, now = new Date()): Prisma.TicketWhereInput {
  return { OR: [{ [CLOCK[target].late]: true }, overdueWhere(target, now)] };
}

/** isSlaBreached (or, with false, its exact complement) as a Prisma condition on Ticket. */
export function slaBreachedWhere(breached: boolean, now = new Date()): Prisma.TicketWhereInput {
  const where: Prisma.TicketWhereInput = { OR: SLA_TARGETS.map((target) => breachedWhere(target, now)) };
  return breached ? where : { NOT: where };
}
