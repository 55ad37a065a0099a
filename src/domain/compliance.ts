// Compliance checks (KYC, AML screening…) on a contact, record or settlement.
// PENDING → IN_REVIEW → PASSED | FAILED | WAIVED; waiving needs a reason.
import type { ComplianceCheck, ComplianceKind, ComplianceStatus, Prisma } from "../generated/prisma/index.js";
import { BACK_OFFICE_ROLES } from "../tenants/permissions.js";
import { recordAudit } from "./audit.js";
import type { TenantDeps } from "./deps.js";
import { ConflictError, ValidationError } from "./errors.js";
import { must, optionalText, text } from "./input.js";

export const CHECK_TRANSITIONS: Record<ComplianceStatus, readonly ComplianceStatus[]> = {
  PENDING: ["IN_REVIEW", "WAIVED"],
  IN_REVIEW: ["PASSED", "FAILED", "WAIVED"],
  PASSED: [],
  FAILED: [],
  WAIVED: [],
};

export type CheckSubject = { contactId: string } | { recordId: string } | { settlementId: string };

export async function openCheck(
  deps: TenantDeps,
  input: { kind: ComplianceKind; subject: CheckSubject; dueAt: Date; notes?: string | null },
): Promise<ComplianceCheck> {
  const notes = optionalText("notes", input.notes, 5_000);
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const s = input.subject;
    // The subject must exist in this tenant (the composite foreign key refuses others anyway).
    if ("contactId" in s) must(await tx.contact.findFirst({ where: { id: s.contactId } }), "Contact", s.contactId);
    if ("recordId" in s) must(await tx.record.findFirst({ where: { id: s.recordId } }), "Record", s.recordId);
    if ("settlementId" in s) must(await tx.settlement.findFirst({ where: { id: s.settlementId } }), "Settlement", s.settlementId);
    const check = await tx.complianceCheck.create({
      data: {
        tenantId,
        kind: input.kind,
        dueAt: input.dueAt,
        notes: notes ?? null,
        subjectContactId: "contactId" in s ? s.contactId : null,
        subjectRecordId: "recordId" in s ? s.recordId : null,
        subjectSettlementId: "settlementId" in s ? s.settlementId : null,
      },
    });
    await recordAudit(tx, tenantId, deps.actor, { action: "compliance_check.opened", entityType: "ComplianceCheck", entityId: check.id, after: check });
    return check;
  });
}

async function changeCheck(deps: TenantDeps, id: string, action: string, change: (c: ComplianceCheck) => Prisma.ComplianceCheckUpdateManyMutationInput) {
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const before = must(await tx.complianceCheck.findFirst({ where: { id } }), "Compliance check", id);
    const data = change(before);
    // The status in the where clause: of two concurrent changes only one can win.
    const { count } = await tx.complianceCheck.updateMany({ where: { id, status: before.status, updatedAt: before.updatedAt }, data });
    if (count === 0) throw new ConflictError("The check changed meanwhile; read it again and retry.");
    const after = await tx.complianceCheck.findFirstOrThrow({ where: { id } });
    await recordAudit(tx, tenantId, deps.actor, { action, entityType: "ComplianceCheck", entityId: id, before, after });
    return after;
  });
}

export function transitionCheck(deps: TenantDeps, id: string, status: ComplianceStatus, reason?: string | null) {
  const why = optionalText("reason", reason, 2_000);
  return changeCheck(deps, id, "compliance_check.status_changed", (c) => {
    if (!CHECK_TRANSITIONS[c.status].includes(status)) {
      const allowed = CHECK_TRANSITIONS[c.status];
      throw new ValidationError("status", `A ${c.status} check cannot become ${status}${allowed.length ? `; it can become ${allowed.join(" or ")}` : ": it is decided"}.`);
    }
    if (status === "WAIVED" && !why) throw new ValidationError("reason", "Waiving a check needs a reason.");
    const decided = status === "PASSED" || status === "FAILED" || status === "WAIVED";
    return { status, ...(decided ? { decidedAt: new Date(), decisionReason: why ?? null } : {}) };
  });
}

export function addEvidence(deps: TenantDeps, id: string, evidence: { note: string; url?: string | null }) {
  const note = text("note", evidence.note, 2_000);
  const url = optionalText("url", evidence.url, 2_000);
  if (url && !/^https?:\/\/\S+$/.test(url)) throw new ValidationError("url", "Evidence links are http(s) URLs.");
  return changeCheck(deps, id, "compliance_check.evidence_added", (c) => {
    if (CHECK_TRANSITIONS[c.status].length === 0) throw new ValidationError("checkId", "The check is decided; its evidence is final.");
    const list = Array.isArray(c.evidence) ? c.evidence : [];
    return { evidence: [...list, { note, url: url ?? null, addedBy: deps.actor.name ?? deps.actor.type, at: new Date().toISOString() }] };
  });
}

export async function assignReviewer(deps: TenantDeps, id: string, operatorId: string | null) {
  if (operatorId) {
    const [member] = await deps.directory.membersOf(deps.tenant.id, [operatorId]);
    if (!member || member.disabledAt) throw new ValidationError("reviewerId", "The reviewer must be an operator who is a member of this tenant.");
    if (!BACK_OFFICE_ROLES.includes(member.role)) {
      throw new ValidationError("reviewerId", `The reviewer is ${member.role} here; reviewers are OWNER, ADMIN or BACK_OFFICE members.`);
    }
  }
  return changeCheck(deps, id, "compliance_check.reviewer_assigned", () => ({ reviewerId: operatorId }));
}

export function overdueWhere(overdue: boolean, now = new Date()): Prisma.ComplianceCheckWhereInput {
  const where = { status: { in: ["PENDING", "IN_REVIEW"] as ComplianceStatus[] }, dueAt: { lt: now } };
  return overdue ? where : { NOT: where };
}
