import type { Prisma } from "../generated/prisma/index.js";
import { archiveRecord, createRecord, recordType, setLegalHold, setRetention, updateRecord } from "../domain/records.js";
import { builder } from "./builder.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { FRONT_OFFICE_LINK, tenantNode } from "./tenant-node.js";
import { OrderDirection } from "./ticket.js";

export const RecordRef = builder.prismaNode("Record", {
  ...tenantNode,
  name: "BusinessRecord",
  description: "A typed business record (contract, customer file, invoice, claim…) with its version history.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    type: t.exposeString("type", { description: "Tenant-defined, lowercase, e.g. contract or customer_file." }),
    reference: t.exposeString("reference", { description: "Unique per tenant and type." }),
    title: t.exposeString("title"),
    data: t.expose("data", { type: "JSON", description: "The record's structured content (a JSON object)." }),
    version: t.exposeInt("version", {
      description:
        "The content version: 1 when created, +1 with every change of title, data or contact (updateRecord), whose previous state is kept in `versions`. Retention, legal hold and archiving do not change it; they are in the audit log.",
    }),
    contact: t.relation("contact", {
      nullable: true,
      description: `The linked contact. ${FRONT_OFFICE_LINK} \`contactId\` still says which contact.`,
    }),
    contactId: t.globalID({
      nullable: true,
      description: "The linked contact's id (back:read is enough): for callers without front:read, and to tell \"no contact\" from \"not allowed to see it\".",
      resolve: (r) => (r.contactId ? { type: "Contact", id: r.contactId } : null),
    }),
    retentionUntil: t.expose("retentionUntil", { type: "DateTime", nullable: true, description: "From this moment the record is due for retention review." }),
    retentionDue: t.boolean({
      description: "The retention date has passed and the record is not archived.",
      resolve: (r) => !r.archivedAt && r.retentionUntil !== null && r.retentionUntil.getTime() <= Date.now(),
    }),
    legalHold: t.exposeBoolean("legalHold", { description: "A held record cannot be archived." }),
    legalHoldReason: t.exposeString("legalHoldReason", { nullable: true }),
    archivedAt: t.expose("archivedAt", { type: "DateTime", nullable: true }),
    versions: t.relatedConnection("versions", {
      cursor: "tenantId_id",
      totalCount: true,
      description: "Earlier states, newest first: version N is what the record was before it became N+1.",
      query: (args) => {
        checkPage(args);
        return { orderBy: [{ version: "desc" }, { id: "desc" }] };
      },
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const RecordVersionRef = builder.prismaNode("RecordVersion", {
  ...tenantNode,
  description: "What a record was at one version, kept when it changed.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    version: t.exposeInt("version"),
    title: t.exposeString("title"),
    data: t.expose("data", { type: "JSON" }),
    contactId: t.globalID({
      nullable: true,
      description: "The contact the record was linked to at this version.",
      resolve: (v) => (v.contactId ? { type: "Contact", id: v.contactId } : null),
    }),
    record: t.relation("record"),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When this version was replaced by the next one." }),
  }),
});

// ---------------------------------------------------------------- queries

const RecordFilter = builder.inputType("RecordFilter", {
  fields: (t) => ({
    type: t.string({ required: false }),
    contactId: t.id({ required: false }),
    reference: t.string({ required: false, description: "Exact reference." }),
    archived: t.boolean({ required: false }),
    legalHold: t.boolean({ required: false }),
    retentionDue: t.boolean({
      required: false,
      description: "true: retention date reached (by now) and not archived. false: every other record — archived, without a retention date, or with one still ahead.",
    }),
    retentionDueBefore: t.field({ type: "DateTime", required: false, description: "Retention date before this moment and not archived." }),
  }),
});

const RecordOrderField = builder.enumType("RecordOrderField", { values: ["UPDATED_AT", "CREATED_AT", "REFERENCE", "RETENTION_UNTIL"] as const });

const RecordOrder = builder.inputType("RecordOrder", {
  fields: (t) => ({
    field: t.field({ type: RecordOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: "DESC" }),
  }),
});

function recordWhere(f: typeof RecordFilter.$inferInput | null | undefined): Prisma.RecordWhereInput {
  if (!f) return {};
  const and: Prisma.RecordWhereInput[] = [];
  if (f.type) and.push({ type: recordType("filter.type", f.type) });
  if (f.contactId) and.push({ contactId: idOf("filter.contactId", f.contactId, "Contact") });
  if (f.reference) and.push({ reference: f.reference.trim() });
  if (f.archived !== null && f.archived !== undefined) and.push({ archivedAt: f.archived ? { not: null } : null });
  if (f.legalHold !== null && f.legalHold !== undefined) and.push({ legalHold: f.legalHold });
  const now = new Date();
  if (f.retentionDue !== null && f.retentionDue !== undefined) {
    // false is the exact complement of true, spelt out: NOT(archivedAt IS NULL AND retentionUntil <= now)
    // would drop records without a retention date, because a comparison with NULL is unknown, not false.
    and.push(
      f.retentionDue
        ? { archivedAt: null, retentionUntil: { lte: now } }
        : { OR: [{ archivedAt: { not: null } }, { retentionUntil: null }, { retentionUntil: { gt: now } }] },
    );
  }
  if (f.retentionDueBefore) and.push({ archivedAt: null, retentionUntil: { lt: f.retentionDueBefore } });
  return { AND: and };
}

function recordOrder(order: typeof RecordOrder.$inferInput | null | undefined): Prisma.RecordOrderByWithRelationInput[] {
  const dir = order?.direction === "ASC" ? "asc" : "desc";
  switch (order?.field ?? "UPDATED_AT") {
    case "CREATED_AT":
      return [{ createdAt: dir }, { id: dir }];
    case "REFERENCE":
      return [{ reference: dir }, { id: dir }];
    case "RETENTION_UNTIL":
      return [{ retentionUntil: { sort: dir, nulls: "last" } }, { id: dir }];
    default:
      return [{ updatedAt: dir }, { id: dir }];
  }
}

builder.queryField("records", (t) =>
  t.prismaConnection(
    {
      type: "Record",
      cursor: "tenantId_id",
      description: "The tenant's business records (20 per page by default, at most 100).",
      authScopes: { can: "back:read" },
      args: { filter: t.arg({ type: RecordFilter, required: false }), orderBy: t.arg({ type: RecordOrder, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.record.findMany({ ...query, where: recordWhere(args.filter), orderBy: recordOrder(args.orderBy) });
      },
      totalCount: (_c, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.record.count({ where: recordWhere(args.filter) });
      },
    },
    {},
    {},
  ),
);

// ---------------------------------------------------------------- mutations

const write = { authScopes: { can: "back:write" as const }, errors: { types: MUTATION_ERRORS } };
const recordId = (id: string | number) => idOf("id", id, "BusinessRecord");

const CreateRecordInput = builder.inputType("CreateRecordInput", {
  fields: (t) => ({
    type: t.string({ required: true, description: "Tenant-defined, e.g. contract, customer_file, invoice, claim." }),
    reference: t.string({ required: true, description: "Unique per tenant and type." }),
    title: t.string({ required: true }),
    data: t.field({ type: "JSON", required: false, description: "A JSON object; {} when left out." }),
    contactId: t.id({ required: false }),
    retentionUntil: t.field({ type: "DateTime", required: false }),
  }),
});

builder.mutationField("createRecord", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    description: "Creates a record; a second record with the same type and reference is a ConflictError.",
    args: { input: t.arg({ type: CreateRecordInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      createRecord(tenantDeps(ctx), { ...input, contactId: input.contactId ? idOf("contactId", input.contactId, "Contact") : null }),
  }),
);

const UpdateRecordInput = builder.inputType("UpdateRecordInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    title: t.string({ required: false }),
    data: t.field({ type: "JSON", required: false, description: "Replaces the whole data object." }),
    contactId: t.id({ required: false, description: "null unlinks the contact; left out keeps it." }),
  }),
});

builder.mutationField("updateRecord", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    description: "Changes a record; the previous state is kept as a version. Archived records cannot change.",
    args: { input: t.arg({ type: UpdateRecordInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      updateRecord(tenantDeps(ctx), recordId(input.id), {
        title: input.title,
        data: input.data,
        contactId: input.contactId === undefined ? undefined : input.contactId === null ? null : idOf("contactId", input.contactId, "Contact"),
      }),
  }),
);

const SetRecordRetentionInput = builder.inputType("SetRecordRetentionInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    retentionUntil: t.field({ type: "DateTime", required: false, description: "null (or left out) clears it." }),
  }),
});

builder.mutationField("setRecordRetention", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    description: "Sets the date from which the record is due for retention review.",
    args: { input: t.arg({ type: SetRecordRetentionInput, required: true }) },
    resolve: (_r, { input }, ctx) => setRetention(tenantDeps(ctx), recordId(input.id), input.retentionUntil ?? null),
  }),
);

const SetLegalHoldInput = builder.inputType("SetLegalHoldInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    hold: t.boolean({ required: true, description: "true puts the record on hold, false releases it." }),
    reason: t.string({ required: false, description: "Required to put on hold, e.g. the case number." }),
  }),
});

builder.mutationField("setLegalHold", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    description: "Puts a record on legal hold (it cannot be archived) or releases it.",
    args: { input: t.arg({ type: SetLegalHoldInput, required: true }) },
    resolve: (_r, { input }, ctx) => setLegalHold(tenantDeps(ctx), recordId(input.id), input.hold, input.reason),
  }),
);

const ArchiveRecordInput = builder.inputType("ArchiveRecordInput", { fields: (t) => ({ id: t.id({ required: true }) }) });

builder.mutationField("archiveRecord", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    description: "Archives a record; a ConflictError while it is on legal hold.",
    args: { input: t.arg({ type: ArchiveRecordInput, required: true }) },
    resolve: (_r, { input }, ctx) => archiveRecord(tenantDeps(ctx), recordId(input.id)),
  }),
);
