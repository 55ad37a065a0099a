// Back-office figures for a time range: settlements by currency and status, compliance
// workload, retention reviews due, and cost per transaction when the cost is known.
import type { SettlementStatus } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import type { TenantDeps } from "./deps.js";
import { ValidationError } from "./errors.js";
import { checkRange } from "./metrics.js";
import { formatAmount, parseAmount } from "./money.js";

export interface BackOfficeMetrics {
  from: Date;
  to: Date;
  settlements: { currency: string; status: SettlementStatus; count: number; amountMinor: bigint; amount: string }[];
  compliance: { open: number; overdue: number; passed: number; failed: number; waived: number };
  recordsDueForRetentionReview: number;
  transactionsProcessed: number;
  costPerTransaction: { currency: string; amount: string; totalCost: string } | null;
}

const num = (v: unknown) => Number(v ?? 0);

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
    const retention = await tx.record.count({ where: { archivedAt: null, retentionUntil: { lte: to } } });
    const settlementsProcessed = await tx.settlement.count({ where: { createdAt: { gte: from, lt: to } } });
    const checksProcessed = num(c!.passed) + num(c!.failed) + num(c!.waived);
    const transactions = settlementsProcessed + checksProcessed;
    // Costs whose period lies within the range.
    const costs = await tx.backOfficeCost.findMany({ where: { periodStart: { gte: from }, periodEnd: { lt: to } } });
    let costPerTransaction: BackOfficeMetrics["costPerTransaction"] = null;
    const currencies = new Set(costs.map((k) => k.currency));
    if (costs.length && currencies.size === 1 && transactions > 0) {
      const currency = costs[0]!.currency;
      const total = costs.reduce((s, k) => s + k.amountMinor, 0n);
      // Rounded half up to the currency's minor unit, in integers.
      const per = (total * 2n + BigInt(transactions)) / (2n * BigInt(transactions));
      costPerTransaction = { currency, amount: formatAmount(per, currency), totalCost: formatAmount(total, currency) };
    }
    return {
      from,
      to,
      settlements: groups.map((g) => ({
        currency: g.currency,
        status: g.status,
        count: g._count._all,
        amountMinor: g._sum.amountMinor ?? 0n,
        amount: formatAmount(g._sum.amountMinor ?? 0n, g.currency),
      })),
      compliance: { open: num(c!.open), overdue: num(c!.overdue), passed: num(c!.passed), failed: num(c!.failed), waived: num(c!.waived) },
      recordsDueForRetentionReview: retention,
      transactionsProcessed: transactions,
      costPerTransaction,
    };
  });
}

function isoDate(field: string, value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw new ValidationError(field, `"${value}" is not a date (YYYY-MM-DD).`);
  return date;
}

/** Sets (or replaces) what the back office cost in a period, for cost per transaction. */
export async function setBackOfficeCost(deps: TenantDeps, input: { periodStart: string; periodEnd: string; amount: string; currency: string }) {
  const periodStart = isoDate("periodStart", input.periodStart);
  const periodEnd = isoDate("periodEnd", input.periodEnd);
  if (periodEnd < periodStart) throw new ValidationError("periodEnd", "The period must end on or after its start.");
  const currency = input.currency.trim().toUpperCase();
  const amountMinor = parseAmount("amount", input.amount, currency);
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const where = { tenantId_periodStart_periodEnd: { tenantId, periodStart, periodEnd } };
    const before = await tx.backOfficeCost.findUnique({ where });
    const after = await tx.backOfficeCost.upsert({ where, create: { tenantId, periodStart, periodEnd, amountMinor, currency }, update: { amountMinor, currency } });
    await recordAudit(tx, tenantId, deps.actor, { action: "back_office_cost.set", entityType: "BackOfficeCost", entityId: after.id, before, after });
    return after;
  });
}
