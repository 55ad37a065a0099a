import type { Prisma } from "../generated/prisma/index.js";
import { createContact, identityWhere, mergeContacts, updateContact, type ContactInput } from "../domain/contacts.js";
import { ValidationError } from "../domain/errors.js";
import { builder } from "./builder.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { frontReadable, OrderDirection } from "./ticket.js";
import { tenantNode } from "./tenant-node.js";

export const ContactRef = builder.prismaNode("Contact", {
  ...tenantNode,
  description: "A customer of the tenant. Channel identities are unique within the tenant.",
  authScopes: frontReadable,
  fields: (t) => ({
    name: t.exposeString("name"),
    email: t.exposeString("email", { nullable: true }),
    phone: t.exposeString("phone", { nullable: true }),
    telegramUserId: t.string({ nullable: true, resolve: (c) => c.telegramUserId?.toString() ?? null }),
    telegramChatId: t.string({
      nullable: true,
      description: "The Telegram chat the front desk talks to this contact in; public replies are delivered there.",
      resolve: (c) => c.telegramChatId?.toString() ?? null,
    }),
    locale: t.exposeString("locale", { nullable: true }),
    tags: t.exposeStringList("tags"),
    mergedInto: t.relation("mergedInto", { nullable: true, description: "Set when this contact was merged into another." }),
    tickets: t.relatedConnection("tickets", {
      cursor: "tenantId_id",
      totalCount: true,
      query: (args) => {
        checkPage(args);
        return { orderBy: [{ createdAt: "desc" }, { id: "desc" }] };
      },
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const ContactFilter = builder.inputType("ContactFilter", {
  fields: (t) => ({
    search: t.string({ required: false, description: "Part of the name, email or phone (case-insensitive)." }),
    email: t.string({ required: false, description: "Exactly this email (any case)." }),
    phone: t.string({ required: false, description: "Exactly this phone number, in any common notation." }),
    telegramUserId: t.string({ required: false }),
    tag: t.string({ required: false }),
    includeMerged: t.boolean({ required: false, defaultValue: false, description: "Also list contacts that were merged into another." }),
  }),
});

const ContactOrderField = builder.enumType("ContactOrderField", { values: ["NAME", "CREATED_AT", "UPDATED_AT"] as const });

const ContactOrder = builder.inputType("ContactOrder", {
  fields: (t) => ({
    field: t.field({ type: ContactOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: false, defaultValue: "ASC" }),
  }),
});

function telegramId(field: string, value: string): bigint {
  if (!/^\d{1,19}$/.test(value)) throw new ValidationError(field, "A Telegram user id is a positive whole number.");
  return BigInt(value);
}

function contactWhere(f: typeof ContactFilter.$inferInput | null | undefined): Prisma.ContactWhereInput {
  const and: Prisma.ContactWhereInput[] = [];
  if (!f?.includeMerged) and.push({ mergedIntoId: null });
  // An identity that normalises to nothing matches nobody.
  const none = { id: { in: [] as string[] } };
  if (f?.email !== null && f?.email !== undefined) and.push(identityWhere({ email: f.email }) ?? none);
  if (f?.phone !== null && f?.phone !== undefined) and.push(identityWhere({ phone: f.phone }) ?? none);
  if (f?.telegramUserId) and.push(identityWhere({ telegramUserId: telegramId("filter.telegramUserId", f.telegramUserId) }) ?? none);
  if (f?.tag) and.push({ tags: { has: f.tag.trim().toLowerCase() } });
  const s = f?.search?.trim().slice(0, 100);
  if (s) {
    const digits = s.replace(/[\s().+-]/g, "");
    and.push({
      OR: [
        { name: { contains: s, mode: "insensitive" } },
        { email: { contains: s, mode: "insensitive" } },
        ...(/^\d+$/.test(digits) ? [{ phone: { contains: digits } }] : []),
      ],
    });
  }
  return { AND: and };
}

function contactOrder(order: typeof ContactOrder.$inferInput | null | undefined): Prisma.ContactOrderByWithRelationInput[] {
  const dir = order?.direction === "DESC" ? "desc" : "asc";
  const field = { NAME: "name", CREATED_AT: "createdAt", UPDATED_AT: "updatedAt" }[order?.field ?? "NAME"];
  return [{ [field]: dir }, { id: dir }];
}

builder.queryField("contacts", (t) =>
  t.prismaConnection(
    {
      type: "Contact",
      cursor: "tenantId_id",
      authScopes: { can: "front:read" },
      args: {
        filter: t.arg({ type: ContactFilter, required: false }),
        orderBy: t.arg({ type: ContactOrder, required: false }),
      },
      resolve: (query, _root, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.contact.findMany({ ...query, where: contactWhere(args.filter), orderBy: contactOrder(args.orderBy) });
      },
      totalCount: (_c, args, ctx) => checkPage(args) ?? ctx.scope!.db.contact.count({ where: contactWhere(args.filter) }),
    },
    {},
    {},
  ),
);

builder.queryField("contactByIdentity", (t) =>
  t.prismaField({
    type: "Contact",
    nullable: true,
    description: "Looks a contact up by exactly one channel identity: email, phone or Telegram user id.",
    authScopes: { can: "front:read" },
    args: { email: t.arg.string({ required: false }), phone: t.arg.string({ required: false }), telegramUserId: t.arg.string({ required: false }) },
    resolve: (query, _root, args, ctx) => {
      const given = (["email", "phone", "telegramUserId"] as const).filter((k) => args[k] !== null && args[k] !== undefined);
      if (given.length !== 1) throw new ValidationError(given[1] ?? "email", "Give exactly one of email, phone or telegramUserId.");
      const where = args.email
        ? identityWhere({ email: args.email })
        : args.phone
          ? identityWhere({ phone: args.phone })
          : args.telegramUserId
            ? identityWhere({ telegramUserId: telegramId("telegramUserId", args.telegramUserId) })
            : null;
      return where ? ctx.scope!.db.contact.findFirst({ ...query, where }) : null;
    },
  }),
);

const CreateContactInput = builder.inputType("CreateContactInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "1–200 characters." }),
    email: t.string({ required: false, description: "Unique within the tenant." }),
    phone: t.string({ required: false, description: "E.164 or a common notation (+44 7700 900123); unique within the tenant." }),
    telegramUserId: t.string({ required: false, description: "Unique within the tenant." }),
    locale: t.string({ required: false, description: "A language tag such as en, de or pt-BR." }),
    tags: t.stringList({ required: false, description: "Up to 20 tags; stored lower-case." }),
  }),
});

const UpdateContactInput = builder.inputType("UpdateContactInput", {
  description: "Only the fields given change; null clears an identity (the name cannot be cleared).",
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false }),
    email: t.string({ required: false }),
    phone: t.string({ required: false }),
    telegramUserId: t.string({ required: false }),
    locale: t.string({ required: false }),
    tags: t.stringList({ required: false, description: "Replaces the contact's tags." }),
  }),
});

type ContactFieldsInput = Omit<typeof UpdateContactInput.$inferInput, "id">;

function toInput(i: ContactFieldsInput): Partial<ContactInput> {
  const out: Partial<ContactInput> = {};
  if (i.name !== undefined) out.name = i.name as string;
  if (i.email !== undefined) out.email = i.email;
  if (i.phone !== undefined) out.phone = i.phone;
  if (i.locale !== undefined) out.locale = i.locale;
  if (i.tags !== undefined) out.tags = i.tags;
  if (i.telegramUserId !== undefined) out.telegramUserId = i.telegramUserId === null ? null : telegramId("telegramUserId", i.telegramUserId);
  return out;
}

const writeContact = { authScopes: { can: "front:write" as const }, errors: { types: MUTATION_ERRORS } };

builder.mutationField("createContact", (t) =>
  t.field({
    type: ContactRef,
    ...writeContact,
    args: { input: t.arg({ type: CreateContactInput, required: true }) },
    resolve: (_r, { input }, ctx) => createContact(tenantDeps(ctx), toInput(input) as ContactInput),
  }),
);

builder.mutationField("updateContact", (t) =>
  t.field({
    type: ContactRef,
    ...writeContact,
    args: { input: t.arg({ type: UpdateContactInput, required: true }) },
    resolve: (_r, { input: { id, ...fields } }, ctx) => updateContact(tenantDeps(ctx), idOf("id", id, "Contact"), toInput(fields)),
  }),
);

const MergeContactsInput = builder.inputType("MergeContactsInput", {
  fields: (t) => ({
    survivorId: t.id({ required: true, description: "The contact that stays." }),
    mergedId: t.id({
      required: true,
      description: "The duplicate: its tickets, messages and feedback move to the survivor, and its back-office rows as mergeContacts describes.",
    }),
  }),
});

builder.mutationField("mergeContacts", (t) =>
  t.field({
    type: ContactRef,
    ...writeContact,
    description:
      "Merges a duplicate contact into the one that stays (front:write). If the duplicate has back-office rows (business records, settlements, compliance checks on it), the caller also needs back:write, or the merge is a ForbiddenError and nothing is written. Those rows then move by the back-office rules: each moved record gets a new version, each moved record, settlement and check an audit event (record.contact_merged, settlement.contact_merged, compliance_check.subject_merged). Archived records and decided checks are final: they stay linked to the merged contact, whose `mergedInto` is the survivor.",
    args: { input: t.arg({ type: MergeContactsInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      mergeContacts(tenantDeps(ctx), idOf("survivorId", input.survivorId, "Contact"), idOf("mergedId", input.mergedId, "Contact"), {
        backOfficeWrite: ctx.permissions.has("back:write"),
      }),
  }),
);
