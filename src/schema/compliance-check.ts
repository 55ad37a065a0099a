import type { Prisma } from "../generated/prisma/index.js";
import { addEvidence, assignReviewer, openCheck, overdueWhere, transitionCheck, type CheckSubject } from "../domain/compliance.js";
import { ValidationError } from "../domain/errors.js";
import { builder } from "./builder.js";
import { ComplianceKindEnum, ComplianceStatusEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { operatorLoader } from "./loaders.js";
import { OperatorRef } from "./operator.js";
import { tenantNode } from "./tenant-node.js";

export const ComplianceCheckRef = builder.prismaNode("ComplianceCheck", {
  ...tenantNode,
  description: "A compliance task (KYC, AML screening…) on a contact, record or settlement.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    kind: t.expose("kind", { type: ComplianceKindEnum }),
    status: t.expose("status", { type: ComplianceStatusEnum }),
    dueAt: t.expose("dueAt", { type: "DateTime" }),
    overdue: t.boolean({
      description: "Still undecided after its due date.",
      resolve: (c) => (c.status === "PENDING" || c.status === "IN_REVIEW") && c.dueAt.getTime() < Date.now(),
    }),
    subjectContact: t.relation("subjectContact", { nullable: true }),
    subjectRecord: t.relation("subjectRecord", { nullable: true }),
    subjectSettlement: t.relation("subjectSettlement", { nullable: true }),
    reviewer: t.field({
      type: OperatorRef,
      nullable: true,
      resolve: (c, _a, ctx) => (c.reviewerId ? operatorLoader(ctx).load(`${c.tenantId}:${c.reviewerId}`) : null),
    }),
    evidence: t.expose("evidence", { type: "JSON" }),
    notes: t.exposeString("notes", { nullable: true }),
    decisionReason: t.exposeString("decisionReason", { nullable: true }),
    decidedAt: t.expose("decidedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const CheckFilter = builder.inputType("ComplianceCheckFilter", {
  fields: (t) => ({
    kind: t.field({ type: [ComplianceKindEnum], required: false }),
    status: t.field({ type: [ComplianceStatusEnum], required: false }),
    subjectId: t.id({ required: false, description: "A contact, business record or settlement id." }),
    reviewerId: t.id({ required: false }),
    overdue: t.boolean({ required: false }),
  }),
});

function subjectOf(field: string, id: string | number): CheckSubject {
  const type = (() => {
    try {
      return Buffer.from(String(id), "base64").toString("utf8").split(":")[0];
    } catch {
      return "";
    }
  })();
  if (type === "Contact") return { contactId: idOf(field, id, "Contact") };
  if (type === "BusinessRecord") return { recordId: idOf(field, id, "BusinessRecord") };
  if (type === "Settlement") return { settlementId: idOf(field, id, "Settlement") };
  throw new ValidationError(field, `${field} must be the id of a Contact, BusinessRecord or Settlement.`);
}

function checkWhere(f: typeof CheckFilter.$inferInput | null | undefined): Prisma.ComplianceCheckWhereInput {
  const and: Prisma.ComplianceCheckWhereInput[] = [];
  if (f?.kind?.length) and.push({ kind: { in: f.kind } });
  if (f?.status?.length) and.push({ status: { in: f.status } });
  if (f?.reviewerId) and.push({ reviewerId: String(f.reviewerId) });
  if (f?.overdue !== null && f?.overdue !== undefined) and.push(overdueWhere(f.overdue));
  if (f?.subjectId) {
    const s = subjectOf("filter.subjectId", f.subjectId);
    and.push("contactId" in s ? { subjectContactId: s.contactId } : "recordId" in s ? { subjectRecordId: s.recordId } : { subjectSettlementId: s.settlementId });
  }
  return { AND: and };
}

builder.queryField("complianceChecks", (t) =>
  t.prismaConnection(
    {
      type: "ComplianceCheck",
      cursor: "tenantId_id",
      authScopes: { can: "back:read" },
      args: { filter: t.arg({ type: CheckFilter, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.complianceCheck.findMany({ ...query, where: checkWhere(args.filter), orderBy: [{ dueAt: "asc" }, { id: "asc" }] });
      },
      totalCount: (_c, args, ctx) => checkPage(args) ?? ctx.scope!.db.complianceCheck.count({ where: checkWhere(args.filter) }),
    },
    {},
    {},
  ),
);

const write = { authScopes: { can: "back:write" as const }, errors: { types: MUTATION_ERRORS } };

builder.mutationField("openComplianceCheck", (t) =>
  t.field({
    type: ComplianceCheckRef,
    ...write,
    args: {
      input: t.arg({
        type: builder.inputType("OpenComplianceCheckInput", {
          fields: (f) => ({
            kind: f.field({ type: ComplianceKindEnum, required: true }),
            subjectId: f.id({ required: true, description: "A contact, business record or settlement of this tenant." }),
            dueAt: f.field({ type: "DateTime", required: true }),
            notes: f.string({ required: false }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, ctx) =>
      openCheck(tenantDeps(ctx), { kind: input.kind, subject: subjectOf("subjectId", input.subjectId), dueAt: input.dueAt, notes: input.notes }),
  }),
);

builder.mutationField("transitionComplianceCheck", (t) =>
  t.field({
    type: ComplianceCheckRef,
    ...write,
    description: "PENDING → IN_REVIEW → PASSED | FAILED | WAIVED (waiving needs a reason).",
    args: {
      input: t.arg({
        type: builder.inputType("TransitionComplianceCheckInput", {
          fields: (f) => ({
            id: f.id({ required: true }),
            status: f.field({ type: ComplianceStatusEnum, required: true }),
            reason: f.string({ required: false }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, ctx) => transitionCheck(tenantDeps(ctx), idOf("id", input.id, "ComplianceCheck"), input.status, input.reason),
  }),
);

builder.mutationField("addComplianceEvidence", (t) =>
  t.field({
    type: ComplianceCheckRef,
    ...write,
    args: {
      input: t.arg({
        type: builder.inputType("AddComplianceEvidenceInput", {
          fields: (f) => ({ checkId: f.id({ required: true }), note: f.string({ required: true }), url: f.string({ required: false }) }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, ctx) => addEvidence(tenantDeps(ctx), idOf("checkId", input.checkId, "ComplianceCheck"), { note: input.note, url: input.url }),
  }),
);

builder.mutationField("assignComplianceReviewer", (t) =>
  t.field({
    type: ComplianceCheckRef,
    ...write,
    args: {
      input: t.arg({
        type: builder.inputType("AssignComplianceReviewerInput", {
          fields: (f) => ({ checkId: f.id({ required: true }), reviewerId: f.id({ required: false, description: "An operator id; null unassigns." }) }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, ctx) =>
      assignReviewer(tenantDeps(ctx), idOf("checkId", input.checkId, "ComplianceCheck"), input.reviewerId ? String(input.reviewerId) : null),
  }),
);
