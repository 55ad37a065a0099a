import type { Prisma } from "../generated/prisma/index.js";
import { addEvidence, assignReviewer, isOverdue, openCheck, overdueWhere, transitionCheck, type CheckSubject } from "../domain/compliance.js";
import { ValidationError } from "../domain/errors.js";
import { builder, decodeGlobalId } from "./builder.js";
import { ComplianceKindEnum, ComplianceStatusEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { operatorLoader } from "./loaders.js";
import { OperatorRef } from "./operator.js";
import { FRONT_OFFICE_LINK, tenantNode } from "./tenant-node.js";
import { OrderDirection } from "./ticket.js";

export const ComplianceCheckRef = builder.prismaNode("ComplianceCheck", {
  ...tenantNode,
  description: "A compliance task (KYC, AML screening…) on a contact, business record or settlement. PENDING → IN_REVIEW → PASSED | FAILED | WAIVED.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    kind: t.expose("kind", { type: ComplianceKindEnum }),
    status: t.expose("status", { type: ComplianceStatusEnum }),
    dueAt: t.expose("dueAt", { type: "DateTime" }),
    overdue: t.boolean({ description: "Still undecided after its due date.", resolve: (c) => isOverdue(c) }),
    subjectContact: t.relation("subjectContact", {
      nullable: true,
      description: `Set when the subject is a contact. ${FRONT_OFFICE_LINK} \`subjectId\` still says which contact.`,
    }),
    subjectId: t.globalID({
      description: "The subject's id — a Contact, BusinessRecord or Settlement id, as `filter.subjectId` takes it (back:read is enough).",
      resolve: (c) =>
        c.subjectContactId
          ? { type: "Contact", id: c.subjectContactId }
          : c.subjectRecordId
            ? { type: "BusinessRecord", id: c.subjectRecordId }
            : { type: "Settlement", id: c.subjectSettlementId! },
    }),
    subjectRecord: t.relation("subjectRecord", { nullable: true, description: "Set when the subject is a business record." }),
    subjectSettlement: t.relation("subjectSettlement", { nullable: true, description: "Set when the subject is a settlement." }),
    reviewer: t.field({
      type: OperatorRef,
      nullable: true,
      description:
        "Null when unassigned. A reviewer who stops being a back-office member (role changed to AGENT or AUDITOR, or removed) is taken off the undecided checks they review, in the same transaction as the membership change (audited as compliance_check.reviewer_released); a decided check keeps its reviewer as history, shown as null once they are no longer a member of the tenant.",
      resolve: (c, _a, ctx) => (c.reviewerId ? operatorLoader(ctx).load(`${c.tenantId}:${c.reviewerId}`) : null),
    }),
    evidence: t.expose("evidence", { type: "JSON", description: "A list of {note, url, addedBy, addedAt}, oldest first." }),
    notes: t.exposeString("notes", { nullable: true }),
    decisionReason: t.exposeString("decisionReason", { nullable: true }),
    decidedAt: t.expose("decidedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

/** A subject id is the global id of a Contact, BusinessRecord or Settlement. */
function subjectOf(field: string, id: string | number): CheckSubject {
  let typename = "";
  try {
    typename = decodeGlobalId(String(id)).typename;
  } catch {
    // reported below, with the types that are accepted
  }
  if (typename === "Contact") return { contactId: idOf(field, id, "Contact") };
  if (typename === "BusinessRecord") return { recordId: idOf(field, id, "BusinessRecord") };
  if (typename === "Settlement") return { settlementId: idOf(field, id, "Settlement") };
  throw new ValidationError(field, `${field} must be the id of a Contact, BusinessRecord or Settlement.`);
}

// ---------------------------------------------------------------- queries

const CheckFilter = builder.inputType("ComplianceCheckFilter", {
  fields: (t) => ({
    kind: t.field({ type: [ComplianceKindEnum], required: false }),
    status: t.field({ type: [ComplianceStatusEnum], required: false }),
    subjectId: t.id({ required: false, description: "A contact, business record or settlement id." }),
    reviewerId: t.id({ required: false, description: "An operator id (from `members`)." }),
    unassigned: t.boolean({ required: false }),
    overdue: t.boolean({ required: false }),
    dueBefore: t.field({ type: "DateTime", required: false }),
    dueAfter: t.field({ type: "DateTime", required: false }),
  }),
});

const CheckOrderField = builder.enumType("ComplianceCheckOrderField", { values: ["DUE_AT", "CREATED_AT", "UPDATED_AT"] as const });

const CheckOrder = builder.inputType("ComplianceCheckOrder", {
  fields: (t) => ({
    field: t.field({ type: CheckOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: "ASC" }),
  }),
});

function checkWhere(f: typeof CheckFilter.$inferInput | null | undefined): Prisma.ComplianceCheckWhereInput {
  if (!f) return {};
  const and: Prisma.ComplianceCheckWhereInput[] = [];
  if (f.kind?.length) and.push({ kind: { in: f.kind } });
  if (f.status?.length) and.push({ status: { in: f.status } });
  if (f.reviewerId) and.push({ reviewerId: String(f.reviewerId) });
  if (f.unassigned !== null && f.unassigned !== undefined) and.push({ reviewerId: f.unassigned ? null : { not: null } });
  if (f.overdue !== null && f.overdue !== undefined) and.push(overdueWhere(f.overdue));
  if (f.dueBefore) and.push({ dueAt: { lt: f.dueBefore } });
  if (f.dueAfter) and.push({ dueAt: { gte: f.dueAfter } });
  if (f.subjectId) {
    const s = subjectOf("filter.subjectId", f.subjectId);
    and.push("contactId" in s ? { subjectContactId: s.contactId } : "recordId" in s ? { subjectRecordId: s.recordId } : { subjectSettlementId: s.settlementId });
  }
  return { AND: and };
}

function checkOrder(order: typeof CheckOrder.$inferInput | null | undefined): Prisma.ComplianceCheckOrderByWithRelationInput[] {
  const dir = order?.direction === "DESC" ? "desc" : "asc";
  const field = { DUE_AT: "dueAt", CREATED_AT: "createdAt", UPDATED_AT: "updatedAt" }[order?.field ?? "DUE_AT"];
  return [{ [field]: dir }, { id: dir }];
}

builder.queryField("complianceChecks", (t) =>
  t.prismaConnection(
    {
      type: "ComplianceCheck",
      cursor: "tenantId_id",
      description: "The tenant's compliance checks, soonest due first unless ordered otherwise.",
      authScopes: { can: "back:read" },
      args: { filter: t.arg({ type: CheckFilter, required: false }), orderBy: t.arg({ type: CheckOrder, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.complianceCheck.findMany({ ...query, where: checkWhere(args.filter), orderBy: checkOrder(args.orderBy) });
      },
      totalCount: (_c, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.complianceCheck.count({ where: checkWhere(args.filter) });
      },
    },
    {},
    {},
  ),
);

// ---------------------------------------------------------------- mutations

const write = { authScopes: { can: "back:write" as const }, errors: { types: MUTATION_ERRORS } };

const OpenComplianceCheckInput = builder.inputType("OpenComplianceCheckInput", {
  fields: (t) => ({
    kind: t.field({ type: ComplianceKindEnum, required: true }),
    subjectId: t.id({ required: true, description: "A contact, business record or settlement of this tenant." }),
    dueAt: t.field({ type: "DateTime", required: true }),
    notes: t.string({ required: false }),
  }),
});

builder.mutationField("openComplianceCheck", (t) =>
  t.field({
    type: ComplianceCheckRef,
    ...write,
    description: "Opens a PENDING check on a subject of this tenant.",
    args: { input: t.arg({ type: OpenComplianceCheckInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      openCheck(tenantDeps(ctx), { kind: input.kind, subject: subjectOf("subjectId", input.subjectId), dueAt: input.dueAt, notes: input.notes }),
  }),
);

const TransitionComplianceCheckInput = builder.inputType("TransitionComplianceCheckInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    status: t.field({ type: ComplianceStatusEnum, required: true }),
    reason: t.string({ required: false, description: "Required for WAIVED; kept as the decision reason for PASSED and FAILED." }),
  }),
});

builder.mutationField("transitionComplianceCheck", (t) =>
  t.field({
    type: ComplianceCheckRef,
    ...write,
    description: "PENDING → IN_REVIEW → PASSED | FAILED | WAIVED (waiving needs a reason). Other moves are a ValidationError on `status`.",
    args: { input: t.arg({ type: TransitionComplianceCheckInput, required: true }) },
    resolve: (_r, { input }, ctx) => transitionCheck(tenantDeps(ctx), idOf("id", input.id, "ComplianceCheck"), input.status, input.reason),
  }),
);

const AddComplianceEvidenceInput = builder.inputType("AddComplianceEvidenceInput", {
  fields: (t) => ({
    checkId: t.id({ required: true }),
    note: t.string({ required: true, description: "What was checked and what it showed." }),
    url: t.string({ required: false, description: "An http(s) link to the document." }),
  }),
});

builder.mutationField("addComplianceEvidence", (t) =>
  t.field({
    type: ComplianceCheckRef,
    ...write,
    description: "Adds a piece of evidence to an undecided check.",
    args: { input: t.arg({ type: AddComplianceEvidenceInput, required: true }) },
    resolve: (_r, { input }, ctx) => addEvidence(tenantDeps(ctx), idOf("checkId", input.checkId, "ComplianceCheck"), { note: input.note, url: input.url }),
  }),
);

const AssignComplianceReviewerInput = builder.inputType("AssignComplianceReviewerInput", {
  fields: (t) => ({
    checkId: t.id({ required: true }),
    reviewerId: t.id({ required: false, description: "An operator who is OWNER, ADMIN or BACK_OFFICE here; null unassigns." }),
  }),
});

builder.mutationField("assignComplianceReviewer", (t) =>
  t.field({
    type: ComplianceCheckRef,
    ...write,
    description:
      "Assigns the reviewer of an undecided check (or unassigns it with null): an active OWNER, ADMIN or BACK_OFFICE member of this tenant, checked in the same transaction as the assignment (a concurrent role change waits for it, or refuses it). Another role is a ValidationError on `reviewerId`; someone who is not a member here is a NotFoundError. If the reviewer later stops being a back-office member, the check is unassigned again.",
    args: { input: t.arg({ type: AssignComplianceReviewerInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      assignReviewer(tenantDeps(ctx), idOf("checkId", input.checkId, "ComplianceCheck"), input.reviewerId ? String(input.reviewerId) : null),
  }),
);
