import type { Prisma } from "../generated/prisma/index.js";
import { createContact, mergeContacts, updateContact, type ContactInput } from "../domain/contacts.js";
import { ValidationError } from "../domain/errors.js";
import { builder } from "./builder.js";
import { MUTATION_ERRORS } from "./errors.js";
import { checkPage, idOf, tenantDeps } from "./inputs.js";
import { frontReadable } from "./ticket.js";
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
    search: t.string({ required: false, description: "Part of the name, email or phone." }),
    email: t.string({ required: false }),
    phone: t.string({ required: false }),
    telegramUserId: t.string({ required: false }),
    tag: t.string({ required: false }),
    includeMerged: t.boolean({ required: false, defaultValue: false }),
  }),
});

function telegramId(field: string, value: string): bigint {
  if (!/^\d{1,19}$/.test(value)) throw new ValidationError(field, "A Telegram user id is a positive whole number.");
  return BigInt(value);
}

function contactWhere(f: typeof ContactFilter.$inferInput | null | undefined): Prisma.ContactWhereInput {
  const and: Prisma.ContactWhereInput[] = [];
  if (!f?.includeMerged) and.push({ mergedIntoId: null });
  if (f?.email) and.push({ email: f.email.trim().toLowerCase() });
  if (f?.phone) and.push({ phone: f.phone.replace(/[\s().-]/g, "") });
  if (f?.telegramUserId) and.push({ telegramUserId: telegramId("filter.telegramUserId", f.telegramUserId) });
  if (f?.tag) and.push({ tags: { has: f.tag.trim().toLowerCase() } });
  if (f?.search?.trim()) {
    const s = f.search.trim().slice(0, 100);
    and.push({
      OR: [{ name: { contains: s, mode: "insensitive" } }, { email: { contains: s, mode: "insensitive" } }, { phone: { contains: s.replace(/[\s().-]/g, "") } }],
    });
  }
  return { AND: and };
}

builder.queryField("contacts", (t) =>
  t.prismaConnection(
    {
      type: "Contact",
      cursor: "tenantId_id",
      authScopes: { can: "front:read" },
      args: { filter: t.arg({ type: ContactFilter, required: false }) },
      resolve: (query, _root, args, ctx) => {
        checkPage(args);
        return ctx.scope!.db.contact.findMany({ ...query, where: contactWhere(args.filter), orderBy: [{ name: "asc" }, { id: "asc" }] });
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
    description: "Looks a contact up by one channel identity.",
    authScopes: { can: "front:read" },
    args: { email: t.arg.string({ required: false }), phone: t.arg.string({ required: false }), telegramUserId: t.arg.string({ required: false }) },
    resolve: (query, _root, args, ctx) => {
      const given = [args.email, args.phone, args.telegramUserId].filter((v) => v !== null && v !== undefined);
      if (given.length !== 1) throw new ValidationError("email", "Give exactly one of email, phone or telegramUserId.");
      return ctx.scope!.db.contact.findFirst({ ...query, where: contactWhere({ ...args, includeMerged: true }) });
    },
  }),
);

const ContactFields = (t: any) => ({
  name: t.string({ required: false }),
  email: t.string({ required: false }),
  phone: t.string({ required: false }),
  telegramUserId: t.string({ required: false }),
  locale: t.string({ required: false }),
  tags: t.stringList({ required: false }),
});

const CreateContactInput = builder.inputType("CreateContactInput", { fields: (t) => ({ ...ContactFields(t), name: t.string({ required: true }) }) });
const UpdateContactInput = builder.inputType("UpdateContactInput", { fields: (t) => ({ id: t.id({ required: true }), ...ContactFields(t) }) });

function toInput(i: Record<string, unknown>): Partial<ContactInput> {
  const out: Partial<ContactInput> = {};
  for (const k of ["name", "email", "phone", "locale", "tags"] as const) if (i[k] !== undefined) (out as Record<string, unknown>)[k] = i[k];
  if (i.telegramUserId !== undefined) out.telegramUserId = i.telegramUserId === null ? null : telegramId("telegramUserId", String(i.telegramUserId));
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
    resolve: (_r, { input }, ctx) => updateContact(tenantDeps(ctx), idOf("id", input.id, "Contact"), toInput(input)),
  }),
);

const MergeContactsInput = builder.inputType("MergeContactsInput", {
  fields: (t) => ({
    survivorId: t.id({ required: true, description: "The contact that stays." }),
    mergedId: t.id({ required: true, description: "The duplicate: its tickets, messages and feedback move to the survivor." }),
  }),
});

builder.mutationField("mergeContacts", (t) =>
  t.field({
    type: ContactRef,
    ...writeContact,
    args: { input: t.arg({ type: MergeContactsInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      mergeContacts(tenantDeps(ctx), idOf("survivorId", input.survivorId, "Contact"), idOf("mergedId", input.mergedId, "Contact")),
  }),
);
