import type { Prisma } from "../generated/prisma/index.js";
import { archiveRecord, createRecord, setLegalHold, setRetention, updateRecord } from "../domain/records.js";
import { builder } from "./builder.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { tenantNode } from "./tenant-node.js";

export const RecordRef = builder.prismaNode("Record", {
  ...tenantNode,
  name: "BusinessRecord",
  description: "A typed business record (contract, customer file, invoice, claim…) with its version history.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    type: t.exposeString("type"),
    reference: t.exposeString("reference"),
    title: t.exposeString("title"),
    data: t.expose("data", { type: "JSON" }),
    version: t.exposeInt("version"),
    contact: t.relation("contact", { nullable: true }),
    retentionUntil: t.expose("retentionUntil", { type: "DateTime", nullable: true }),
    legalHold: t.exposeBoolean("legalHold"),
    legalHoldReason: t.exposeString("legalHoldReason", { nullable: true }),
    archivedAt: t.expose("archivedAt", { type: "DateTime", nullable: true }),
    versions: t.relatedConnection("versions", {
      cursor: "tenantId_id",
      totalCount: true,
      description: "Earlier states, newest first: version N is what the record was before it became N+1.",
      query: (args) => {
        checkPage(args);
        return { orderBy: { version: "desc" } };
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
    record: t.relation("record"),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When this version was replaced." }),
  }),
});

const RecordFilter = builder.inputType("RecordFilter", {
  fields: (t) => ({
    type: t.string({ required: false }),
    contactId: t.id({ required: false }),
    reference: t.string({ required: false }),
    archived: t.boolean({ required: false }),
    retentionDue: t.boolean({ required: false, description: "Retention date reached and not archived." }),
  }),
});

function recordWhere(f: typeof RecordFilter.$inferInput | null | undefined): Prisma.RecordWhereInput {
  const and: Prisma.RecordWhereInput[] = [];
  if (f?.type) and.push({ type: f.type.trim().toLowerCase() });
  if (f?.contactId) and.push({ contactId: idOf("filter.contactId", f.contactId, "Contact") });
  if (f?.reference) and.push({ reference: f.reference });
  if (f?.archived !== null && f?.archived !== undefined) and.push({ archivedAt: f.archived ? { not: null } : null });
  if (f?.retentionDue) and.push({ archivedAt: null, retentionUntil: { lte: new Date() } });
  return { AND: and };
}

builder.queryField("records", (t) =>
  t.prismaConnection(
    {
      type: "Record",
      cursor: "tenantId_id",
      authScopes: { can: "back:read" },
      args: { filter: t.arg({ type: RecordFilter, required: false }) },
      resolve: (query, _r, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.record.findMany({ ...query, where: recordWhere(args.filter), orderBy: [{ updatedAt: "desc" }, { id: "desc" }] });
      },
      totalCount: (_c, args, ctx) => checkPage(args) ?? ctx.scope!.db.record.count({ where: recordWhere(args.filter) }),
    },
    {},
    {},
  ),
);

const write = { authScopes: { can: "back:write" as const }, errors: { types: MUTATION_ERRORS } };

const CreateRecordInput = builder.inputType("CreateRecordInput", {
  fields: (t) => ({
    type: t.string({ required: true, description: "Tenant-defined, e.g. contract, customer_file, invoice, claim." }),
    reference: t.string({ required: true, description: "Unique per tenant and type." }),
    title: t.string({ required: true }),
    data: t.field({ type: "JSON", required: false }),
    contactId: t.id({ required: false }),
    retentionUntil: t.field({ type: "DateTime", required: false }),
  }),
});

builder.mutationField("createRecord", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    args: { input: t.arg({ type: CreateRecordInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      createRecord(tenantDeps(ctx), { ...input, contactId: input.contactId ? idOf("contactId", input.contactId, "Contact") : null }),
  }),
);

const UpdateRecordInput = builder.inputType("UpdateRecordInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    title: t.string({ required: false }),
    data: t.field({ type: "JSON", required: false }),
    contactId: t.id({ required: false }),
  }),
});

builder.mutationField("updateRecord", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    description: "Changes a record; the previous state is kept as a version.",
    args: { input: t.arg({ type: UpdateRecordInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      updateRecord(tenantDeps(ctx), idOf("id", input.id, "BusinessRecord"), {
        title: input.title,
        data: input.data,
        contactId: input.contactId === undefined ? undefined : input.contactId === null ? null : idOf("contactId", input.contactId, "Contact"),
      }),
  }),
);

builder.mutationField("setRecordRetention", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    args: {
      input: t.arg({
        type: builder.inputType("SetRecordRetentionInput", {
          fields: (f) => ({ id: f.id({ required: true }), retentionUntil: f.field({ type: "DateTime", required: false, description: "null clears it." }) }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, ctx) => setRetention(tenantDeps(ctx), idOf("id", input.id, "BusinessRecord"), input.retentionUntil ?? null),
  }),
);

builder.mutationField("setLegalHold", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    description: "Puts a record on legal hold (it cannot be archived) or releases it.",
    args: {
      input: t.arg({
        type: builder.inputType("SetLegalHoldInput", {
          fields: (f) => ({ id: f.id({ required: true }), hold: f.boolean({ required: true }), reason: f.string({ required: false }) }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, ctx) => setLegalHold(tenantDeps(ctx), idOf("id", input.id, "BusinessRecord"), input.hold, input.reason),
  }),
);

builder.mutationField("archiveRecord", (t) =>
  t.field({
    type: RecordRef,
    ...write,
    description: "Archives a record; refused while it is on legal hold.",
    args: { input: t.arg({ type: builder.inputType("ArchiveRecordInput", { fields: (f) => ({ id: f.id({ required: true }) }) }), required: true }) },
    resolve: (_r, { input }, ctx) => archiveRecord(tenantDeps(ctx), idOf("id", input.id, "BusinessRecord")),
  }),
);
