// Front-office metrics for a time range, computed in SQL under the tenant's scope.
//
// Resolutions are counted from TicketResolution, where every resolution stays when a ticket
// is reopened: the figures of a past period do not change afterwards (what Zendesk's solves
// and SLA metric events do). SLA breaches use the definition in sla.ts, the one the tickets
// show, counted per target clock whose due time falls in the range.
import type { TicketStatus } from "../generated/prisma/index.js";
import type { TenantDeps } from "./deps.js";
import { ValidationError } from "./errors.js";
import { breachedWhere, overdueWhere } from "./sla.js";

export interface FrontMetrics {
  from: Date;
  to: Date;
  csat: { responses: number; satisfied: number; score: number | null };
  nps: { responses: number; promoters: number; passives: number; detractors: number; score: number | null };
  ces: { responses: number; average: number | null };
  ticketsOpened: number;
  /** Tickets resolved in the range (once each, however often they were resolved in it), reopened since or not. */
  ticketsResolved: number;
  backlog: { status: TicketStatus; count: number }[];
  medianFirstResponseMinutes: number | null;
  /** Over the range's resolutions: from when each one's clock started (creation, or the reopening before it). */
  medianResolutionMinutes: number | null;
  /**
   * Breached targets (sla.ts) whose due time falls in the range. First response: tickets.
   * Resolution: resolutions that came late (kept through reopening), plus running
   * resolution clocks past their due time.
   */
  slaBreaches: { firstResponse: number; resolution: number };
}

const MAX_RANGE_DAYS = 366;

export function checkRange(from: Date, to: Date): void {
  if (!(from < to)) throw new ValidationError("to", "The range must end after it starts.");
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) throw new ValidationError("from", `The range is at most ${MAX_RANGE_DAYS} days.`);
}

const num = (v: unknown): number => Number(v ?? 0);
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export async function frontMetrics(deps: TenantDeps, from: Date, to: Date): Promise<FrontMetrics> {
  checkRange(from, to);
  const now = new Date();
  // Row-level security filters by tenant as well; naming it lets the planner use the tenant's indexes.
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const [fb] = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT
        count(*) FILTER (WHERE kind = 'CSAT') AS csat_n,
        count(*) FILTER (WHERE kind = 'CSAT' AND score >= 4) AS csat_ok,
        count(*) FILTER (WHERE kind = 'NPS') AS nps_n,
        count(*) FILTER (WHERE kind = 'NPS' AND score >= 9) AS nps_pro,
        count(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 7 AND 8) AS nps_pas,
        count(*) FILTER (WHERE kind = 'NPS' AND score <= 6) AS nps_det,
        count(*) FILTER (WHERE kind = 'CES') AS ces_n,
        avg(score) FILTER (WHERE kind = 'CES') AS ces_avg
      FROM "Feedback" WHERE "tenantId" = ${tenantId} AND "createdAt" >= ${from} AND "createdAt" < ${to}`;
    const [tk] = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT
        count(*) FILTER (WHERE "createdAt" >= ${from}) AS opened,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "firstRespondedAt" - "createdAt") / 60)
          FILTER (WHERE "firstRespondedAt" >= ${from} AND "firstRespondedAt" < ${to}) AS frt
      FROM "Ticket"
      WHERE "tenantId" = ${tenantId} AND "createdAt" < ${to} AND ("createdAt" >= ${from} OR "firstRespondedAt" >= ${from})`;
    const [rs] = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT
        count(DISTINCT "ticketId") AS resolved,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "resolvedAt" - "startedAt") / 60) AS rt
      FROM "TicketResolution"
      WHERE "tenantId" = ${tenantId} AND "resolvedAt" >= ${from} AND "resolvedAt" < ${to}`;
    const frtBreaches = await tx.ticket.count({ where: { AND: [breachedWhere("firstResponse", now), { firstResponseDueAt: { gte: from, lt: to } }] } });
    const lateResolutions = await tx.ticketResolution.count({ where: { late: true, dueAt: { gte: from, lt: to } } });
    const overdueResolutions = await tx.ticket.count({ where: { AND: [overdueWhere("resolution", now), { resolutionDueAt: { gte: from, lt: to } }] } });
    const backlog = await tx.$queryRaw<{ status: TicketStatus; n: unknown }[]>`
      SELECT status, count(*) AS n FROM "Ticket" WHERE "tenantId" = ${tenantId} AND status IN ('OPEN', 'PENDING') GROUP BY status ORDER BY status`;
    const csatN = num(fb!.csat_n);
    const npsN = num(fb!.nps_n);
    return {
      from,
      to,
      csat: { responses: csatN, satisfied: num(fb!.csat_ok), score: csatN ? round1((100 * num(fb!.csat_ok)) / csatN) : null },
      nps: {
        responses: npsN,
        promoters: num(fb!.nps_pro),
        passives: num(fb!.nps_pas),
        detractors: num(fb!.nps_det),
        score: npsN ? round1((100 * (num(fb!.nps_pro) - num(fb!.nps_det))) / npsN) : null,
      },
      ces: { responses: num(fb!.ces_n), average: fb!.ces_avg === null ? null : round1(num(fb!.ces_avg)) },
      ticketsOpened: num(tk!.opened),
      ticketsResolved: num(rs!.resolved),
      backlog: (["OPEN", "PENDING"] as const).map((status) => ({ status, count: num(backlog.find((b) => b.status === status)?.n) })),
      medianFirstResponseMinutes: tk!.frt === null ? null : round1(num(tk!.frt)),
      medianResolutionMinutes: rs!.rt === null ? null : round1(num(rs!.rt)),
      slaBreaches: { firstResponse: frtBreaches, resolution: lateResolutions + overdueResolutions },
    };
  });
}
