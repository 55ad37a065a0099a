// Back-office figures for a time range: settlements by currency and status, compliance
// workload, retention reviews due, and cost per transaction for the periods whose
// back-office cost the tenant has set. Money stays in integer minor units throughout.
import type { BackOfficeCost, SettlementStatus } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import { dayAfter, formatDay, parseDay } from "./dates.js";
import type { TenantDeps } from "./deps.js";
import { ConflictError, ValidationError } from "./errors.js";
import { checkRange } from "./metrics.js";
import { currencyCode, divideRounded, parseAmount } from "./money.js";

export interface SettlementFigure {
  currency: string;
  status: SettlementStatus;
  count: number;
  amountMinor: bigint;
}

/** What one cost period cost, and how many transactions it processed (over the whole period). */
export interface PeriodCost {
  periodStart: Date;
  periodEnd: Date;
  currency: string;
  costMinor: bigint;
  settlements: number;
  checks: number;
  transactions: number;
  /** Cost ÷ transactions, rounded half up to the minor unit; null without transactions. */
  perTransactionMinor: bigint | null;
}

export interface BackOfficeMetrics {
  from: Date;
  to: Date;
  /** Settlements created in the range, per currency and status. */
  settlements: SettlementFigure[];
  compliance: { open: number; overdue: number; passed: number; failed: number; waived: number };
  recordsDueForRetentionReview: number;
  settlementsProcessed: number;
  checksProcessed: number;
  costPeriods: PeriodCost[];
  /** Over all cost periods that overlap the range, when they share one currency. */
  costPerTransaction: { currency: string; costMinor: bigint; transactions: number; perTransactionMinor: bigint | null } | null;
}

const num = (v: unknown): number => Number(v ?? 0);

export async function backOfficeMetrics(deps: TenantDeps, from: Date, to: Date): Promise<BackOfficeMetrics> {
  checkRange(from, to);
  const now = new Date();
  return deps.scope.tx(async (tx) => {
    const groups = await tx.settlement.groupBy({
      by: ["currency", "status"],
      where: { createdAt: { gte: from, lt: to } },
      _count: { _all: true },
      _sum: { amountMinor: true },
      orderBy: [{ currency: "asc" }, { status: "asc" }],
    });
    const [c] = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT
        count(*) FILTER (WHERE status IN ('PENDING', 'IN_REVIEW')) AS open,
        count(*) FILTER (WHERE status IN ('PENDING', 'IN_REVIEW') AND "dueAt" < ${now}) AS overdue,
        count(*) FILTER (WHERE status = 'PASSED' AND "decidedAt" >= ${from} AND "decidedAt" < ${to}) AS passed,
        count(*) FILTER (WHERE status = 'FAILED' AND "decidedAt" >= ${from} AND "decidedAt" < ${to}) AS failed,
        count(*) FILTER (WHERE status = 'WAIVED' AND "decidedAt" >= ${from} AND "decidedAt" < ${to}) AS waived
      FROM "ComplianceCheck"`;
    const recordsDue = await tx.record.count({ where: { archivedAt: null, retentionUntil: { lte: to } } });
    // Each period's transactions are counted over the whole period (days inclusive), in the same statement.
    const periods = await tx.$queryRaw<(Pick<BackOfficeCost, "periodStart" | "periodEnd" | "currency" | "amountMinor"> & { settlements: unknown; checks: unknown })[]>`
      SELECT p."periodStart", p."periodEnd", p.currency, p."amountMinor",
        (SELECT count(*) FROM "Settlement" s
          WHERE s."createdAt" >= p."periodStart"::timestamp AND s."createdAt" < (p."periodEnd" + 1)::timestamp) AS settlements,
        (SELECT count(*) FROM "ComplianceCheck" k
          WHERE k."decidedAt" >= p."periodStart"::timestamp AND k."decidedAt" < (p."periodEnd" + 1)::timestamp) AS checks
      FROM "BackOfficeCost" p
      WHERE p."periodStart"::timestamp < ${to} AND (p."periodEnd" + 1)::timestamp > ${from}
      ORDER BY p."periodStart"`;
    const costPeriods = periods.map((p): PeriodCost => {
      const transactions = num(p.settlements) + num(p.checks);
      return {
        periodStart: p.periodStart,
        periodEnd: p.periodEnd,
        currency: p.currency,
        costMinor: BigInt(p.amountMinor),
        settlements: num(p.settlements),
        checks: num(p.checks),
        transactions,
        perTransactionMinor: transactions ? divideRounded(BigInt(p.amountMinor), BigInt(transactions)) : null,
      };
    });
    const passed = num(c!.passed);
    const failed = num(c!.failed);
    const waived = num(c!.waived);
    return {
      from,
      to,
      settlements: groups.map((g) => ({ currency: g.currency, status: g.status, count: g._count._all, amountMinor: g._sum.amountMinor ?? 0n })),
      compliance: { open: num(c!.open), overdue: num(c!.overdue), passed, failed, waived },
      recordsDueForRetentionReview: recordsDue,
      settlementsProcessed: groups.reduce((n, g) => n + g._count._all, 0),
      checksProcessed: passed + failed + waived,
      costPeriods,
      costPerTransaction: overall(costPeriods),
    };
  });
}

function overall(periods: PeriodCost[]): BackOfficeMetrics["costPerTransaction"] {
  // Costs in different currencies cannot be added without an exchange rate; say nothing rather than guess.
  if (periods.length === 0 || new Set(periods.map((p) => p.currency)).size > 1) return null;
  const costMinor = periods.reduce((sum, p) => sum + p.costMinor, 0n);
  const transactions = periods.reduce((sum, p) => sum + p.transactions, 0);
  return {
    currency: periods[0]!.currency,
    costMinor,
    transactions,
    perTransactionMinor: transactions ? divideRounded(costMinor, BigInt(transactions)) : null,
  };
}

/**
 * Sets (or replaces) what the back office cost in a period, e.g. a month. Periods of one
 * tenant do not overlap, or one day's transactions would be paid for twice.
 */
export async function setBackOfficeCost(
  deps: TenantDeps,
  input: { periodStart: string; periodEnd: string; amount: string; currency: string },
): Promise<BackOfficeCost> {
  const periodStart = parseDay("periodStart", input.periodStart);
  const periodEnd = parseDay("periodEnd", input.periodEnd);
  if (periodEnd < periodStart) throw new ValidationError("periodEnd", "The period must end on or after the day it starts.");
  if (periodEnd.getTime() - periodStart.getTime() > 366 * 86_400_000) throw new ValidationError("periodEnd", "A cost period is at most a year long.");
  const currency = currencyCode("currency", input.currency);
  const amountMinor = parseAmount("amount", input.amount, currency, { allowZero: true });
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    // Serialises cost changes of one tenant, so two overlapping periods cannot both pass the check below.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`back-office-cost:${tenantId}`}))`;
    const overlapping = await tx.backOfficeCost.findFirst({
      where: { periodStart: { lt: dayAfter(periodEnd) }, periodEnd: { gte: periodStart }, NOT: { periodStart, periodEnd } },
    });
    if (overlapping) {
      throw new ConflictError(
        `The period overlaps ${formatDay(overlapping.periodStart)} – ${formatDay(overlapping.periodEnd)}, which already has a cost; change that period or pick days outside it.`,
      );
    }
    const before = await tx.backOfficeCost.findFirst({ where: { periodStart, periodEnd } });
    if (before && before.amountMinor === amountMinor && before.currency === currency) return before;
    const after = before
      ? await tx.backOfficeCost.update({ where: { tenantId_id: { tenantId, id: before.id } }, data: { amountMinor, currency } })
      : await tx.backOfficeCost.create({ data: { tenantId, periodStart, periodEnd, amountMinor, currency } });
    await recordAudit(tx, tenantId, deps.actor, { action: "back_office_cost.set", entityType: "BackOfficeCost", entityId: after.id, before, after });
    return after;
  });
}
