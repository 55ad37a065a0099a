// Contacts: a tenant's customers, with channel identities unique within the tenant.
import type { Contact, Prisma } from "../generated/prisma/index.js";
import type { TenantTx } from "../tenants/scoped-db.js";
import { recordAudit } from "./audit.js";
import { isDecided } from "./compliance-status.js";
import type { TenantDeps } from "./deps.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "./errors.js";
import { email, must, optionalText, phone, tags, text, unique } from "./input.js";

export interface ContactInput {
  /** 1–200 characters; required on create, cannot be removed. */
  name: string;
  email?: string | null;
  phone?: string | null;
  telegramUserId?: bigint | null;
  telegramChatId?: bigint | null;
  locale?: string | null;
  tags?: string[] | null;
}

const LOCALE = /^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/i;

function locale(value: string | null | undefined): string | null | undefined {
  const v = optionalText("locale", value, 35);
  if (!v) return v;
  if (!LOCALE.test(v)) throw new ValidationError("locale", `"${v}" is not a language tag like en, de or pt-BR.`);
  return v.replace(/_/g, "-");
}

function telegramId(field: string, value: bigint | null | undefined): bigint | null | undefined {
  if (value === undefined || value === null) return value;
  if (value <= 0n || value >= 2n ** 63n) throw new ValidationError(field, `${field} must be a positive whole number.`);
  return value;
}

function contactData(input: Partial<ContactInput>) {
  if (input.name === null) throw new ValidationError("name", "A contact needs a name; it cannot be removed.");
  return {
    ...(input.name !== undefined ? { name: text("name", input.name, 200) } : {}),
    ...(input.email !== undefined ? { email: email("email", input.email) } : {}),
    ...(input.phone !== undefined ? { phone: phone("phone", input.phone) } : {}),
    ...(input.telegramUserId !== undefined ? { telegramUserId: telegramId("telegramUserId", input.telegramUserId) } : {}),
    ...(input.telegramChatId !== undefined ? { telegramChatId: input.telegramChatId } : {}),
    ...(input.locale !== undefined ? { locale: locale(input.locale) } : {}),
    ...(input.tags !== undefined && input.tags !== null ? { tags: tags("tags", input.tags) } : {}),
  };
}

export async function createContact(deps: TenantDeps, input: ContactInput): Promise<Contact> {
  const data = contactData(input);
  const tenantId = deps.tenant.id;
  return unique("A contact with this email, phone or Telegram user", () =>
    deps.scope.tx(async (tx) => {
      const contact = await tx.contact.create({ data: { ...data, name: data.name!, tenantId } });
      await recordAudit(tx, tenantId, deps.actor, { action: "contact.created", entityType: "Contact", entityId: contact.id, after: contact });
      return contact;
    }),
  );
}

export async function updateContact(deps: TenantDeps, id: string, input: Partial<ContactInput>): Promise<Contact> {
  const data = contactData(input);
  const tenantId = deps.tenant.id;
  return unique("A contact with this email, phone or Telegram user", () =>
    deps.scope.tx(async (tx) => {
      const before = must(await tx.contact.findFirst({ where: { id } }), "Contact", id);
      if (before.mergedIntoId) throw new ValidationError("id", "This contact was merged into another one; update that one instead.");
      const after = await tx.contact.update({ where: { tenantId_id: { tenantId, id } }, data });
      await recordAudit(tx, tenantId, deps.actor, { action: "contact.updated", entityType: "Contact", entityId: id, before, after });
      return after;
    }),
  );
}

export type ContactIdentity = { email: string } | { phone: string } | { telegramUserId: bigint };

/**
 * The condition for one channel identity, normalised the way identities are stored
 * (lower-case email, E.164 phone), so "+44 7700 900123" finds "+447700900123".
 * Null for an empty identity, which matches nobody. A malformed one is a ValidationError.
 */
export function identityWhere(identity: ContactIdentity): Prisma.ContactWhereInput | null {
  if ("email" in identity) {
    const v = email("email", identity.email);
    return v ? { email: v } : null;
  }
  if ("phone" in identity) {
    const v = phone("phone", identity.phone);
    return v ? { phone: v } : null;
  }
  return { telegramUserId: telegramId("telegramUserId", identity.telegramUserId) };
}

/** The contact with this channel identity in the tenant, or null (see identityWhere). */
export async function findContactByIdentity(deps: TenantDeps, identity: ContactIdentity): Promise<Contact | null> {
  const where = identityWhere(identity);
  return where ? deps.scope.db.contact.findFirst({ where }) : null;
}

/** Merges keep every merged contact one hop from its survivor; a longer chain is corrupt data, not a reason to loop. */
const MAX_MERGE_HOPS = 16;

/**
 * The contact an id stands for now: the contact itself, or the one it was merged into
 * (followed to the end, so ids kept from before several merges still work). Every rule
 * that links something to a contact by id goes through here. The row it returns is
 * locked FOR SHARE until the transaction ends, so a merge running at the same time
 * waits instead of leaving the new link on a contact it just merged away.
 * NotFoundError for an id that is not one of the tenant's contacts.
 */
export async function resolveContactId(tx: TenantTx, id: string): Promise<string> {
  let current = id;
  for (let hop = 0; hop <= MAX_MERGE_HOPS; hop++) {
    const [row] = await tx.$queryRaw<{ id: string; mergedIntoId: string | null }[]>`
      SELECT id, "mergedIntoId" FROM "Contact" WHERE id = ${current} FOR SHARE`;
    if (!row) throw new NotFoundError("Contact", id);
    if (!row.mergedIntoId) return row.id;
    current = row.mergedIntoId;
  }
  throw new Error(`Contact ${id} is more than ${MAX_MERGE_HOPS} merges away from a contact that was not merged.`);
}

export interface MergeOptions {
  /**
   * The caller may write back-office data (back:write). Without it, merging a contact that
   * has records, settlements or compliance checks is refused (ForbiddenError, nothing written).
   */
  backOfficeWrite?: boolean;
}

/** What a merge did with the merged contact's back-office rows (kept in the contact.merged audit event). */
interface BackOfficeMove {
  movedRecordIds: string[];
  /** Archived records cannot change: they stay on the merged contact, which points at the survivor. */
  keptArchivedRecordIds: string[];
  movedSettlementIds: string[];
  movedCheckIds: string[];
  /** Decided checks are final (they say who was checked): they stay on the merged contact. */
  keptDecidedCheckIds: string[];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Moves the merged contact's back-office rows to the survivor by the back-office rules: each
 * row locked, each moved record getting a new version (the previous state kept), each move
 * audited. Archived records and decided checks are final and stay where they are. Refused
 * up front, before anything is written, when the caller may not write back-office data.
 */
async function moveBackOffice(tx: TenantTx, deps: TenantDeps, mergedId: string, survivorId: string, options: MergeOptions): Promise<BackOfficeMove> {
  const tenantId = deps.tenant.id;
  const records = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Record" WHERE "contactId" = ${mergedId} ORDER BY id FOR UPDATE`;
  const settlements = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Settlement" WHERE "contactId" = ${mergedId} ORDER BY id FOR UPDATE`;
  const checks = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "ComplianceCheck" WHERE "subjectContactId" = ${mergedId} ORDER BY id FOR UPDATE`;
  const move: BackOfficeMove = { movedRecordIds: [], keptArchivedRecordIds: [], movedSettlementIds: [], movedCheckIds: [], keptDecidedCheckIds: [] };
  if (records.length + settlements.length + checks.length === 0) return move;
  if (!options.backOfficeWrite) {
    const what = [
      records.length ? plural(records.length, "business record", "business records") : "",
      settlements.length ? plural(settlements.length, "settlement", "settlements") : "",
      checks.length ? plural(checks.length, "compliance check", "compliance checks") : "",
    ].filter(Boolean);
    throw new ForbiddenError(
      `The contact being merged has back-office data (${what.join(", ")}); merging moves it, which needs back:write (a BACK_OFFICE, ADMIN or OWNER role, or an API key with back:write). Nothing was merged.`,
    );
  }
  for (const { id } of records) {
    const before = await tx.record.findFirstOrThrow({ where: { id } });
    if (before.archivedAt) {
      move.keptArchivedRecordIds.push(id);
      continue;
    }
    await tx.recordVersion.create({
      data: { tenantId, recordId: id, version: before.version, title: before.title, data: before.data as Prisma.InputJsonValue, contactId: before.contactId },
    });
    const after = await tx.record.update({ where: { tenantId_id: { tenantId, id } }, data: { contactId: survivorId, version: before.version + 1 } });
    await recordAudit(tx, tenantId, deps.actor, { action: "record.contact_merged", entityType: "Record", entityId: id, before, after });
    move.movedRecordIds.push(id);
  }
  for (const { id } of settlements) {
    const before = await tx.settlement.findFirstOrThrow({ where: { id } });
    const after = await tx.settlement.update({ where: { tenantId_id: { tenantId, id } }, data: { contactId: survivorId } });
    await recordAudit(tx, tenantId, deps.actor, { action: "settlement.contact_merged", entityType: "Settlement", entityId: id, before, after });
    move.movedSettlementIds.push(id);
  }
  for (const { id } of checks) {
    const before = await tx.complianceCheck.findFirstOrThrow({ where: { id } });
    if (isDecided(before.status)) {
      move.keptDecidedCheckIds.push(id);
      continue;
    }
    const after = await tx.complianceCheck.update({ where: { tenantId_id: { tenantId, id } }, data: { subjectContactId: survivorId } });
    await recordAudit(tx, tenantId, deps.actor, { action: "compliance_check.subject_merged", entityType: "ComplianceCheck", entityId: id, before, after });
    move.movedCheckIds.push(id);
  }
  return move;
}

/**
 * Merges `mergedId` into `survivorId`: tickets, messages and feedback move to the survivor,
 * identities the survivor lacks move with them, tags are united, and the merged contact points
 * at the survivor — as does every contact that had been merged into the merged one, so no
 * chain A → B → C is left behind.
 *
 * Back-office rows follow the back-office rules (see moveBackOffice): they move only when the
 * caller may write back-office data (`options.backOfficeWrite`), each record with a new version
 * and every moved row with its own audit event; archived records and decided checks stay on the
 * merged contact. A caller without back:write cannot merge a contact that has back-office rows.
 */
export async function mergeContacts(deps: TenantDeps, survivorId: string, mergedId: string, options: MergeOptions = {}): Promise<Contact> {
  if (survivorId === mergedId) throw new ValidationError("mergedId", "A contact cannot be merged into itself.");
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    // Lock both rows in a fixed order so two merges cannot cross.
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Contact" WHERE id IN (${survivorId}, ${mergedId}) ORDER BY id FOR UPDATE`;
    const survivor = must(rows.some((r) => r.id === survivorId) ? await tx.contact.findFirst({ where: { id: survivorId } }) : null, "Contact", survivorId);
    const merged = must(rows.some((r) => r.id === mergedId) ? await tx.contact.findFirst({ where: { id: mergedId } }) : null, "Contact", mergedId);
    if (survivor.mergedIntoId || merged.mergedIntoId) throw new ConflictError("One of these contacts was already merged into another one.");
    // First, as it may refuse the whole merge before anything is written.
    const backOffice = await moveBackOffice(tx, deps, mergedId, survivorId, options);
    const moved = { contactId: survivorId };
    await tx.ticket.updateMany({ where: { contactId: mergedId }, data: moved });
    await tx.message.updateMany({ where: { contactId: mergedId }, data: { contactId: survivorId, authorId: survivorId } });
    await tx.feedback.updateMany({ where: { contactId: mergedId }, data: moved });
    await tx.botChat.updateMany({ where: { contactId: mergedId }, data: moved });
    // Contacts merged into the merged one earlier now point straight at the survivor.
    const earlier = (await tx.contact.findMany({ where: { mergedIntoId: mergedId }, select: { id: true }, orderBy: { id: "asc" } })).map((c) => c.id);
    if (earlier.length) await tx.contact.updateMany({ where: { id: { in: earlier } }, data: { mergedIntoId: survivorId } });
    const identities = {
      email: survivor.email ?? merged.email,
      phone: survivor.phone ?? merged.phone,
      telegramUserId: survivor.telegramUserId ?? merged.telegramUserId,
      telegramChatId: survivor.telegramChatId ?? merged.telegramChatId,
    };
    const after = await tx.contact.update({
      where: { tenantId_id: { tenantId, id: mergedId } },
      data: { mergedIntoId: survivorId, email: null, phone: null, telegramUserId: null, telegramChatId: null },
    });
    const result = await tx.contact.update({
      where: { tenantId_id: { tenantId, id: survivorId } },
      data: { ...identities, tags: [...new Set([...survivor.tags, ...merged.tags])] },
    });
    await recordAudit(tx, tenantId, deps.actor, {
      action: "contact.merged",
      entityType: "Contact",
      entityId: survivorId,
      before: { survivor, merged },
      after: { survivor: result, merged: after, ...(earlier.length ? { repointedContactIds: earlier } : {}), backOffice },
    });
    return result;
  });
}
