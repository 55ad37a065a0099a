// Compliance checks (KYC, AML screening…) on a contact, record or settlement of the tenant.
// PENDING → IN_REVIEW → PASSED | FAILED | WAIVED; waiving needs a reason; decided checks are final.
import { Prisma, type ComplianceCheck, type ComplianceKind, type ComplianceStatus } from "../generated/prisma/index.js";
import { BACK_OFFICE_ROLES } from "../tenants/permissions.js";
import type { TenantTx } from "../tenants/scoped-db.js";
import type { Actor } from "./actor.js";
import { recordAudit } from "./audit.js";
import { CHECK_TRANSITIONS, isDecided, OPEN_STATUSES } from "./compliance-status.js";
import { resolveContactId } from "./contacts.js";
import type { TenantDeps } from "./deps.js";
import { ConflictError, NotFoundError, ValidationError } from "./errors.js";
import { must, optionalText, text } from "./input.js";
import { lockMembership, lockRow, refusal } from "./row-lock.js";

const MAX_EVIDENCE = 100;

export type CheckSubject = { contactId: string } | { recordId: string } | { settlementId: string };

/** Undecided after its due date. */
export function isOverdue(check: Pick<ComplianceCheck, "status" | "dueAt">, now = new Date()): boolean {
  return !isDecided(check.status) && check.dueAt < now;
}

export function overdueWhere(overdue: boolean, now = new Date()): Prisma.ComplianceCheckWhereInput {
  const where: Prisma.ComplianceCheckWhereInput = { status: { in: [...OPEN_STATUSES] }, dueAt: { lt: now } };
  return overdue ? where : { NOT: where };
}

/** The subject as it will be stored (a merged contact resolves to its survivor). */
async function checkSubject(tx: TenantTx, s: CheckSubject): Promise<CheckSubject> {
  // Only the tenant's own rows are visible (RLS), so another tenant's subject is "not found".
  const select = { id: true } as const;
  if ("contactId" in s) return { contactId: await resolveContactId(tx, s.contactId) };
  if ("recordId" in s) must(await tx.record.findFirst({ where: { id: s.recordId }, select }), "Record", s.recordId);
  if ("settlementId" in s) must(await tx.settlement.findFirst({ where: { id: s.settlementId }, select }), "Settlement", s.settlementId);
  return s;
}

export async function openCheck(
  deps: TenantDeps,
  input: { kind: ComplianceKind; subject: CheckSubject; dueAt: Date; notes?: string | null },
): Promise<ComplianceCheck> {
  const notes = optionalText("notes", input.notes, 5_000);
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const s = await checkSubject(tx, input.subject);
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

/**
 * The one place a check changes: lock it, let `decide` refuse or say what to write, write it
 * (status in the where clause as a second guard) and audit it, all in one transaction.
 * `first` runs in the same transaction before the check is locked (locks taken there come
 * first, in the same order everywhere: membership, then check).
 */
async function changeCheck(
  deps: TenantDeps,
  id: string,
  action: string,
  decide: (c: ComplianceCheck) => Prisma.ComplianceCheckUpdateManyMutationInput | null,
  first?: (tx: TenantTx) => Promise<void>,
): Promise<ComplianceCheck> {
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    if (first) await first(tx);
    const before = must((await lockRow(tx, "ComplianceCheck", id)) ? await tx.complianceCheck.findFirst({ where: { id } }) : null, "Compliance check", id);
    const data = decide(before);
    if (!data) return before;
    const { count } = await tx.complianceCheck.updateMany({ where: { id, status: before.status }, data });
    if (count !== 1) throw new ConflictError("The check changed meanwhile; read it again and retry.");
    const after = await tx.complianceCheck.findFirstOrThrow({ where: { id } });
    await recordAudit(tx, tenantId, deps.actor, { action, entityType: "ComplianceCheck", entityId: id, before, after });
    return after;
  });
}

export function transitionCheck(deps: TenantDeps, id: string, status: ComplianceStatus, reason?: string | null): Promise<ComplianceCheck> {
  const why = optionalText("reason", reason, 2_000);
  return changeCheck(deps, id, "compliance_check.status_changed", (c) => {
    if (!CHECK_TRANSITIONS[c.status].includes(status)) throw new ValidationError("status", refusal("check", c.status, status, CHECK_TRANSITIONS[c.status]));
    if (status === "WAIVED" && !why) throw new ValidationError("reason", "Waiving a check needs a reason: say why it is not needed and who agreed.");
    return isDecided(status) ? { status, decidedAt: new Date(), decisionReason: why ?? null } : { status };
  });
}

function finalCheck(c: ComplianceCheck): ConflictError {
  return new ConflictError(`The check is ${c.status}: a decided check is final.`);
}

export function addEvidence(deps: TenantDeps, id: string, evidence: { note: string; url?: string | null }): Promise<ComplianceCheck> {
  const note = text("note", evidence.note, 2_000);
  const url = optionalText("url", evidence.url, 2_000);
  if (url && !/^https?:\/\/[^\s/]+\S*$/i.test(url)) throw new ValidationError("url", "An evidence link is an http(s) URL, e.g. https://dms.example.com/doc/123.");
  return changeCheck(deps, id, "compliance_check.evidence_added", (c) => {
    if (isDecided(c.status)) throw finalCheck(c);
    const list = Array.isArray(c.evidence) ? c.evidence : [];
    if (list.length >= MAX_EVIDENCE) throw new ValidationError("note", `A check holds at most ${MAX_EVIDENCE} pieces of evidence.`);
    const addedBy = { type: deps.actor.type, id: deps.actor.id ?? null, name: deps.actor.name ?? null };
    return { evidence: [...list, { note, url: url ?? null, addedBy, addedAt: new Date().toISOString() }] };
  });
}

/**
 * Assigns (or with null unassigns) the reviewer of an undecided check: an active member of the
 * tenant with a back-office role (OWNER, ADMIN, BACK_OFFICE).
 *
 * Race-free: the reviewer's membership is read and share-locked in the transaction that writes
 * the assignment (lockMembership), so a concurrent role change or removal either happens first
 * (and the assignment is refused) or waits until the assignment has committed — and then
 * releases it (see releaseReviews). A check is never left assigned to someone who is not a
 * back-office member at the moment the assignment commits.
 */
export async function assignReviewer(deps: TenantDeps, id: string, operatorId: string | null): Promise<ComplianceCheck> {
  const checkReviewer = async (tx: TenantTx) => {
    if (!operatorId) return;
    const member = await lockMembership(tx, operatorId);
    // Someone who is not a member here is "not found", exactly like an id that does not exist.
    if (!member || member.disabled) throw new NotFoundError("Operator", operatorId);
    if (!BACK_OFFICE_ROLES.includes(member.role)) {
      throw new ValidationError("reviewerId", `${member.name} is ${member.role} here; reviewers are ${BACK_OFFICE_ROLES.join(", ")} members.`);
    }
  };
  return changeCheck(
    deps,
    id,
    "compliance_check.reviewer_assigned",
    (c) => {
      if (isDecided(c.status)) throw finalCheck(c);
      return c.reviewerId === operatorId ? null : { reviewerId: operatorId };
    },
    checkReviewer,
  );
}

/**
 * When a reviewer stops being a back-office member of the tenant (their role becomes AGENT or
 * AUDITOR, or their membership is removed), the undecided checks they review go back to the
 * unassigned pool, each with a `compliance_check.reviewer_released` audit event by whoever
 * changed the membership; decided checks keep their reviewer as history. Runs in the
 * transaction that changes the membership, after the membership row was written (and so
 * locked): an assignment racing with it either committed before (and is released here) or
 * waits and then sees the new role (and is refused). Returns the released checks.
 */
export async function releaseReviews(tx: TenantTx, tenantId: string, actor: Actor, operatorId: string): Promise<ComplianceCheck[]> {
  const open = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "ComplianceCheck" WHERE "reviewerId" = ${operatorId} AND status::text IN (${Prisma.join([...OPEN_STATUSES])}) ORDER BY id FOR UPDATE`;
  const released: ComplianceCheck[] = [];
  for (const { id } of open) {
    const before = await tx.complianceCheck.findFirstOrThrow({ where: { id } });
    const after = await tx.complianceCheck.update({ where: { tenantId_id: { tenantId, id } }, data: { reviewerId: null } });
    await recordAudit(tx, tenantId, actor, { action: "compliance_check.reviewer_released", entityType: "ComplianceCheck", entityId: id, before, after });
    released.push(after);
  }
  return released;
}
