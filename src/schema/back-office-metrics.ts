import { backOfficeMetrics, setBackOfficeCost, type BackOfficeMetrics } from "../domain/back-office-metrics.js";
import { builder } from "./builder.js";
import { SettlementStatusEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { tenantDeps } from "./inputs.js";

const Row = builder.objectRef<BackOfficeMetrics["settlements"][number]>("SettlementMetric").implement({
  fields: (t) => ({
    currency: t.exposeString("currency"),
    status: t.field({ type: SettlementStatusEnum, resolve: (r) => r.status }),
    count: t.exposeInt("count"),
    amount: t.exposeString("amount"),
  }),
});
const Compliance = builder.objectRef<BackOfficeMetrics["compliance"]>("ComplianceMetrics").implement({
  fields: (t) => ({
    open: t.exposeInt("open"),
    overdue: t.exposeInt("overdue"),
    passed: t.exposeInt("passed"),
    failed: t.exposeInt("failed"),
    waived: t.exposeInt("waived"),
  }),
});
const Cost = builder.objectRef<NonNullable<BackOfficeMetrics["costPerTransaction"]>>("CostPerTransaction").implement({
  fields: (t) => ({ currency: t.exposeString("currency"), amount: t.exposeString("amount"), totalCost: t.exposeString("totalCost") }),
});
const Metrics = builder.objectRef<BackOfficeMetrics>("BackOfficeMetrics").implement({
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    settlements: t.field({ type: [Row], description: "Created in the range, per currency and status.", resolve: (m) => m.settlements }),
    compliance: t.field({ type: Compliance, description: "Open and overdue now; decided within the range.", resolve: (m) => m.compliance }),
    recordsDueForRetentionReview: t.exposeInt("recordsDueForRetentionReview"),
    transactionsProcessed: t.exposeInt("transactionsProcessed", { description: "Settlements created plus checks decided in the range." }),
    costPerTransaction: t.field({
      type: Cost,
      nullable: true,
      description: "Set when the tenant recorded its back-office cost for periods within the range.",
      resolve: (m) => m.costPerTransaction,
    }),
  }),
});

builder.queryField("backOfficeMetrics", (t) =>
  t.field({
    type: Metrics,
    authScopes: { can: "back:read" },
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: (_r, { from, to }, ctx) => backOfficeMetrics(tenantDeps(ctx), from, to),
  }),
);

const CostRef = builder.objectRef<{ periodStart: Date; periodEnd: Date; amountMinor: bigint; currency: string }>("BackOfficeCost").implement({
  fields: (t) => ({
    periodStart: t.string({ resolve: (c) => c.periodStart.toISOString().slice(0, 10) }),
    periodEnd: t.string({ resolve: (c) => c.periodEnd.toISOString().slice(0, 10) }),
    currency: t.exposeString("currency"),
    amountMinor: t.string({ resolve: (c) => c.amountMinor.toString() }),
  }),
});

builder.mutationField("setBackOfficeCost", (t) =>
  t.field({
    type: CostRef,
    authScopes: { can: "admin" },
    errors: { types: MUTATION_ERRORS },
    description: "Records what the back office cost in a period (for cost per transaction).",
    args: {
      input: t.arg({
        type: builder.inputType("SetBackOfficeCostInput", {
          fields: (f) => ({
            periodStart: f.string({ required: true, description: "YYYY-MM-DD" }),
            periodEnd: f.string({ required: true, description: "YYYY-MM-DD" }),
            amount: f.string({ required: true }),
            currency: f.string({ required: true }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, ctx) => setBackOfficeCost(tenantDeps(ctx), input),
  }),
);
