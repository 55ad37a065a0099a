// Record maintenance: typed business records whose every change keeps the previous
// state as a version, with retention dates and legal holds (a held record cannot be archived).
import type { Prisma, Record as BusinessRecord } from "../generated/prisma/index.js";
import type { TenantTx } from "../tenants/scoped-db.js";
import { recordAudit } from "./audit.js";
import { resolveContactId } from "./contacts.js";
import type { TenantDeps } from "./deps.js";
import { ConflictError, ValidationError } from "./errors.js";
import { must, optionalText, text, unique } from "./input.js";
import { lockRow } from "./row-lock.js";

export interface NewRecord {
  type: string;
  reference: string;
  title: string;
  data?: unknown;
  contactId?: string | null;
  retentionUntil?: Date | null;
}

/** Fields left undefined stay as they are; `contactId: null` unlinks the contact. */
export interface RecordChanges {
  title?: string | null;
  data?: unknown;
  contactId?: string | null;
}

const TYPE = /^[a-z][a-z0-9_-]{0,39}$/;
const MAX_DATA_CHARS = 100_000;

export function recordType(field: string, value: string): string {
  const type = value.trim().toLowerCase();
  if (!TYPE.test(type)) throw new ValidationError(field, "A record type is 1–40 lowercase letters, digits, '-' or '_', starting with a letter, e.g. contract or customer_file.");
  return type;
}

function jsonData(field: string, value: unknown): Prisma.InputJsonObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ValidationError(field, "Record data must be a JSON object, e.g. {\"amount\": \"120.00\"}.");
  if (JSON.stringify(value).length > MAX_DATA_CHARS) throw new ValidationError(field, `Record data is limited to ${MAX_DATA_CHARS / 1000} kB of JSON.`);
  return value as Prisma.InputJsonObject;
}

/** JSON with object keys sorted: equal documents give equal strings, whatever their key order or prototype. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The record, locked until the transaction ends: changes to one record happen one after another. */
async function lockRecord(tx: TenantTx, id: string): Promise<BusinessRecord> {
  return must((await lockRow(tx, "Record", id)) ? await tx.record.findFirst({ where: { id } }) : null, "Record", id);
}

/** The contact to link (a merged one resolves to its survivor); RLS hides other tenants' contacts, so a foreign id is "not found". */
async function checkContact(tx: TenantTx, contactId: string | null | undefined): Promise<string | null | undefined> {
  return contactId ? resolveContactId(tx, contactId) : contactId;
}

export async function createRecord(deps: TenantDeps, input: NewRecord): Promise<BusinessRecord> {
  const type = recordType("type", input.type);
  const reference = text("reference", input.reference, 100);
  const title = text("title", input.title, 200);
  const data = jsonData("data", input.data);
  const tenantId = deps.tenant.id;
  return unique(`A ${type} record with reference ${reference}`, () =>
    deps.scope.tx(async (tx) => {
      const contactId = await checkContact(tx, input.contactId);
      const record = await tx.record.create({
        data: { tenantId, type, reference, title, data, contactId: contactId ?? null, retentionUntil: input.retentionUntil ?? null },
      });
      await recordAudit(tx, tenantId, deps.actor, { action: "record.created", entityType: "Record", entityId: record.id, after: record });
      return record;
    }),
  );
}

/**
 * Changes title, data or contact. The state before is kept as version N and the record
 * becomes N+1; a request that changes nothing writes nothing.
 */
export async function updateRecord(deps: TenantDeps, id: string, changes: RecordChanges): Promise<BusinessRecord> {
  if (changes.title === null) throw new ValidationError("title", "A record needs a title; leave the field out to keep it.");
  const title = changes.title === undefined ? undefined : text("title", changes.title, 200);
  const data = changes.data === undefined ? undefined : jsonData("data", changes.data);
  if (title === undefined && data === undefined && changes.contactId === undefined) {
    throw new ValidationError("input", "Nothing to change: give a title, data or contactId.");
  }
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const before = await lockRecord(tx, id);
    if (before.archivedAt) throw new ConflictError(`Record ${before.reference} is archived and can no longer be changed.`);
    const contactId = await checkContact(tx, changes.contactId);
    const next = {
      title: title ?? before.title,
      data: data ?? (before.data as Prisma.InputJsonObject),
      contactId: contactId === undefined ? before.contactId : contactId,
    };
    if (next.title === before.title && next.contactId === before.contactId && canonicalJson(next.data) === canonicalJson(before.data)) return before;
    await tx.recordVersion.create({
      data: { tenantId, recordId: id, version: before.version, title: before.title, data: before.data as Prisma.InputJsonValue, contactId: before.contactId },
    });
    const after = await tx.record.update({ where: { tenantId_id: { tenantId, id } }, data: { ...next, version: before.version + 1 } });
    await recordAudit(tx, tenantId, deps.actor, { action: "record.updated", entityType: "Record", entityId: id, before, after });
    return after;
  });
}

/** One locked read-decide-write of a record's lifecycle fields; `decide` returns null when nothing changes. */
async function changeRecord(
  deps: TenantDeps,
  id: string,
  action: string,
  decide: (r: BusinessRecord) => Prisma.RecordUpdateInput | null,
): Promise<BusinessRecord> {
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const before = await lockRecord(tx, id);
    const data = decide(before);
    if (!data) return before;
    const after = await tx.record.update({ where: { tenantId_id: { tenantId, id } }, data });
    await recordAudit(tx, tenantId, deps.actor, { action, entityType: "Record", entityId: id, before, after });
    return after;
  });
}

/** Sets (or with null clears) the date from which the record is due for retention review. */
export function setRetention(deps: TenantDeps, id: string, retentionUntil: Date | null): Promise<BusinessRecord> {
  return changeRecord(deps, id, "record.retention_set", (r) =>
    (r.retentionUntil?.getTime() ?? null) === (retentionUntil?.getTime() ?? null) ? null : { retentionUntil },
  );
}

export function setLegalHold(deps: TenantDeps, id: string, hold: boolean, reason?: string | null): Promise<BusinessRecord> {
  const why = optionalText("reason", reason, 500);
  if (hold && !why) throw new ValidationError("reason", "Say why the record is put on legal hold, e.g. the case or order number.");
  return changeRecord(deps, id, hold ? "record.legal_hold_set" : "record.legal_hold_released", (r) => {
    if (!hold) return r.legalHold ? { legalHold: false, legalHoldReason: null } : null;
    return r.legalHold && r.legalHoldReason === why ? null : { legalHold: true, legalHoldReason: why };
  });
}

export function archiveRecord(deps: TenantDeps, id: string): Promise<BusinessRecord> {
  return changeRecord(deps, id, "record.archived", (r) => {
    if (r.legalHold) {
      throw new ConflictError(`Record ${r.reference} is on legal hold (${r.legalHoldReason ?? "no reason given"}) and cannot be archived; release the hold first.`);
    }
    return r.archivedAt ? null : { archivedAt: new Date() };
  });
}
