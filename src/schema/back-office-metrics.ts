import { backOfficeMetrics, type BackOfficeMetrics, type PeriodCost } from "../domain/back-office-metrics.js";
import { formatDay } from "../domain/dates.js";
import { formatAmount } from "../domain/money.js";
import { builder } from "./builder.js";
import { tenantDeps } from "./inputs.js";
import { SettlementTotalRef } from "./settlement.js";

const minor = (v: bigint | null, currency: string) => (v === null ? null : formatAmount(v, currency));

const ComplianceMetrics = builder.objectRef<BackOfficeMetrics["compliance"]>("ComplianceMetrics").implement({
  fields: (t) => ({
    open: t.exposeInt("open", { description: "PENDING or IN_REVIEW now." }),
    overdue: t.exposeInt("overdue", { description: "Open now and past their due date." }),
    passed: t.exposeInt("passed", { description: "Decided PASSED within the range." }),
    failed: t.exposeInt("failed", { description: "Decided FAILED within the range." }),
    waived: t.exposeInt("waived", { description: "WAIVED within the range." }),
  }),
});

const PeriodCostRef = builder.objectRef<PeriodCost>("PeriodCost").implement({
  description: "One cost period and the transactions processed in it (counted over the whole period).",
  fields: (t) => ({
    periodStart: t.string({ resolve: (p) => formatDay(p.periodStart) }),
    periodEnd: t.string({ resolve: (p) => formatDay(p.periodEnd) }),
    currency: t.exposeString("currency"),
    cost: t.string({ resolve: (p) => formatAmount(p.costMinor, p.currency) }),
    settlements: t.exposeInt("settlements", { description: "Settlements created in the period." }),
    checks: t.exposeInt("checks", { description: "Compliance checks decided in the period." }),
    transactions: t.exposeInt("transactions"),
    costPerTransaction: t.string({
      nullable: true,
      description: "Cost ÷ transactions, rounded half up to the currency's minor unit; null without transactions.",
      resolve: (p) => minor(p.perTransactionMinor, p.currency),
    }),
  }),
});

const CostPerTransactionRef = builder.objectRef<NonNullable<BackOfficeMetrics["costPerTransaction"]>>("CostPerTransaction").implement({
  fields: (t) => ({
    currency: t.exposeString("currency"),
    totalCost: t.string({ resolve: (c) => formatAmount(c.costMinor, c.currency) }),
    transactions: t.exposeInt("transactions"),
    amount: t.string({ nullable: true, description: "Rounded half up to the minor unit; null without transactions.", resolve: (c) => minor(c.perTransactionMinor, c.currency) }),
  }),
});

const BackOfficeMetricsRef = builder.objectRef<BackOfficeMetrics>("BackOfficeMetrics").implement({
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    settlements: t.field({ type: [SettlementTotalRef], description: "Settlements created in the range, per currency and status.", resolve: (m) => m.settlements }),
    compliance: t.field({ type: ComplianceMetrics, resolve: (m) => m.compliance }),
    recordsDueForRetentionReview: t.exposeInt("recordsDueForRetentionReview", { description: "Not archived, retention date reached by the end of the range." }),
    settlementsProcessed: t.exposeInt("settlementsProcessed", { description: "Settlements created in the range." }),
    checksProcessed: t.exposeInt("checksProcessed", { description: "Compliance checks decided in the range." }),
    costPeriods: t.field({ type: [PeriodCostRef], description: "The cost periods that overlap the range.", resolve: (m) => m.costPeriods }),
    costPerTransaction: t.field({
      type: CostPerTransactionRef,
      nullable: true,
      description: "Total cost ÷ transactions of the cost periods that overlap the range; null when none is set or their currencies differ.",
      resolve: (m) => m.costPerTransaction,
    }),
  }),
});

builder.queryField("backOfficeMetrics", (t) =>
  t.field({
    type: BackOfficeMetricsRef,
    description: "Back-office figures for a range of at most 366 days: from inclusive, to exclusive.",
    authScopes: { can: "back:read" },
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: (_r, { from, to }, ctx) => backOfficeMetrics(tenantDeps(ctx), from, to),
  }),
);
