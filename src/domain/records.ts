// Record maintenance: typed business records, every change versioned, retention
// dates and legal holds (a held record cannot be archived).
import type { Prisma, Record as BusinessRecord } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import type { TenantDeps } from "./deps.js";
import { ValidationError } from "./errors.js";
import { must, optionalText, text, unique } from "./input.js";

export interface RecordInput {
  type: string;
  reference: string;
  title: string;
  data?: unknown;
  contactId?: string | null;
  retentionUntil?: Date | null;
}

const TYPE = /^[a-z][a-z0-9_-]{0,39}$/;

function jsonData(field: string, value: unknown): Prisma.InputJsonValue {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ValidationError(field, "Record data must be a JSON object.");
  if (JSON.stringify(value).length > 100_000) throw new ValidationError(field, "Record data is limited to 100 kB.");
  return value as Prisma.InputJsonValue;
}

async function lockRecord(deps: TenantDeps, tx: Parameters<Parameters<TenantDeps["scope"]["tx"]>[0]>[0], id: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Record" WHERE id = ${id} FOR UPDATE`;
  return must(rows.length ? await tx.record.findFirst({ where: { id } }) : null, "Record", id);
}

export async function createRecord(deps: TenantDeps, input: RecordInput): Promise<BusinessRecord> {
  const type = input.type.trim().toLowerCase();
  if (!TYPE.test(type)) throw new ValidationError("type", "A record type is 1–40 lowercase letters, digits, '-' or '_', e.g. contract or customer_file.");
  const reference = text("reference", input.reference, 100);
  const title = text("title", input.title, 200);
  const data = jsonData("data", input.data);
  const tenantId = deps.tenant.id;
  return unique(`A ${type} record with reference ${reference}`, () =>
    deps.scope.tx(async (tx) => {
      if (input.contactId) must(await tx.contact.findFirst({ where: { id: input.contactId } }), "Contact", input.contactId);
      const record = await tx.record.create({
        data: { tenantId, type, reference, title, data, contactId: input.contactId ?? null, retentionUntil: input.retentionUntil ?? null },
      });
      await recordAudit(tx, tenantId, deps.actor, { action: "record.created", entityType: "Record", entityId: record.id, after: record });
      return record;
    }),
  );
}

/** Changes title, data or contact; the state before is kept as a version. */
export async function updateRecord(
  deps: TenantDeps,
  id: string,
  input: { title?: string | null; data?: unknown; contactId?: string | null },
): Promise<BusinessRecord> {
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const before = await lockRecord(deps, tx, id);
    if (before.archivedAt) throw new ValidationError("id", "An archived record cannot be changed.");
    if (input.contactId) must(await tx.contact.findFirst({ where: { id: input.contactId } }), "Contact", input.contactId);
    await tx.recordVersion.create({
      data: { tenantId, recordId: id, version: before.version, title: before.title, data: before.data as Prisma.InputJsonValue, contactId: before.contactId },
    });
    const after = await tx.record.update({
      where: { tenantId_id: { tenantId, id } },
      data: {
        version: before.version + 1,
        ...(input.title ? { title: text("title", input.title, 200) } : {}),
        ...(input.data !== undefined ? { data: jsonData("data", input.data) } : {}),
        ...(input.contactId !== undefined ? { contactId: input.contactId } : {}),
      },
    });
    await recordAudit(tx, tenantId, deps.actor, { action: "record.updated", entityType: "Record", entityId: id, before, after });
    return after;
  });
}

async function changeRecord(deps: TenantDeps, id: string, action: string, change: (r: BusinessRecord) => Prisma.RecordUpdateInput | null) {
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    const before = await lockRecord(deps, tx, id);
    const data = change(before);
    if (!data) return before;
    const after = await tx.record.update({ where: { tenantId_id: { tenantId, id } }, data });
    await recordAudit(tx, tenantId, deps.actor, { action, entityType: "Record", entityId: id, before, after });
    return after;
  });
}

export function setRetention(deps: TenantDeps, id: string, retentionUntil: Date | null) {
  return changeRecord(deps, id, "record.retention_set", () => ({ retentionUntil }));
}

export function setLegalHold(deps: TenantDeps, id: string, hold: boolean, reason?: string | null) {
  const why = optionalText("reason", reason, 500);
  if (hold && !why) throw new ValidationError("reason", "Say why the record is put on legal hold.");
  return changeRecord(deps, id, hold ? "record.legal_hold_set" : "record.legal_hold_released", (r) =>
    r.legalHold === hold ? null : { legalHold: hold, legalHoldReason: hold ? why : null },
  );
}

export function archiveRecord(deps: TenantDeps, id: string) {
  return changeRecord(deps, id, "record.archived", (r) => {
    if (r.legalHold) throw new ValidationError("id", `Record ${r.reference} is on legal hold (${r.legalHoldReason ?? "no reason given"}) and cannot be archived.`);
    return r.archivedAt ? null : { archivedAt: new Date() };
  });
}
