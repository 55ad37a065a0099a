// Contacts: a tenant's customers, with channel identities unique within the tenant.
import type { Contact, Prisma } from "../generated/prisma/index.js";
import { recordAudit } from "./audit.js";
import type { TenantDeps } from "./deps.js";
import { ConflictError, ValidationError } from "./errors.js";
import { email, must, optionalText, phone, tags, text, unique } from "./input.js";

export interface ContactInput {
  name: string;
  email?: string | null;
  phone?: string | null;
  telegramUserId?: bigint | null;
  telegramChatId?: bigint | null;
  locale?: string | null;
  tags?: string[] | null;
}

function contactData(input: Partial<ContactInput>) {
  return {
    ...(input.name !== undefined ? { name: text("name", input.name, 200) } : {}),
    ...(input.email !== undefined ? { email: email("email", input.email) } : {}),
    ...(input.phone !== undefined ? { phone: phone("phone", input.phone) } : {}),
    ...(input.telegramUserId !== undefined ? { telegramUserId: input.telegramUserId } : {}),
    ...(input.telegramChatId !== undefined ? { telegramChatId: input.telegramChatId } : {}),
    ...(input.locale !== undefined ? { locale: optionalText("locale", input.locale, 20) } : {}),
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

export function findContactByIdentity(deps: TenantDeps, identity: ContactIdentity): Promise<Contact | null> {
  const where: Prisma.ContactWhereInput =
    "email" in identity
      ? { email: email("email", identity.email) }
      : "phone" in identity
        ? { phone: phone("phone", identity.phone) }
        : { telegramUserId: identity.telegramUserId };
  return deps.scope.db.contact.findFirst({ where });
}

/**
 * Merges `mergedId` into `survivorId`: tickets, messages, feedback and back-office
 * links move to the survivor, identities the survivor lacks move with them, tags
 * are united, and the merged contact points at the survivor.
 */
export async function mergeContacts(deps: TenantDeps, survivorId: string, mergedId: string): Promise<Contact> {
  if (survivorId === mergedId) throw new ValidationError("mergedId", "A contact cannot be merged into itself.");
  const tenantId = deps.tenant.id;
  return deps.scope.tx(async (tx) => {
    // Lock both rows in a fixed order so two merges cannot cross.
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Contact" WHERE id IN (${survivorId}, ${mergedId}) ORDER BY id FOR UPDATE`;
    const survivor = must(rows.some((r) => r.id === survivorId) ? await tx.contact.findFirst({ where: { id: survivorId } }) : null, "Contact", survivorId);
    const merged = must(rows.some((r) => r.id === mergedId) ? await tx.contact.findFirst({ where: { id: mergedId } }) : null, "Contact", mergedId);
    if (survivor.mergedIntoId || merged.mergedIntoId) throw new ConflictError("One of these contacts was already merged into another one.");
    const moved = { contactId: survivorId };
    await tx.ticket.updateMany({ where: { contactId: mergedId }, data: moved });
    await tx.message.updateMany({ where: { contactId: mergedId }, data: moved });
    await tx.feedback.updateMany({ where: { contactId: mergedId }, data: moved });
    await tx.record.updateMany({ where: { contactId: mergedId }, data: moved });
    await tx.settlement.updateMany({ where: { contactId: mergedId }, data: moved });
    await tx.botChat.updateMany({ where: { contactId: mergedId }, data: moved });
    await tx.complianceCheck.updateMany({ where: { subjectContactId: mergedId }, data: { subjectContactId: survivorId } });
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
      after: { survivor: result, merged: after },
    });
    return result;
  });
}
