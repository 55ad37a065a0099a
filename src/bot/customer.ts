// The Telegram user behind an update, and their contact in the tenant: found by
// their Telegram identity through the front-office rules, created on first contact.
import type { Contact } from "../generated/prisma/index.js";
import { createContact, findContactByIdentity, updateContact } from "../domain/contacts.js";
import type { TenantDeps } from "../domain/deps.js";
import { ConflictError } from "../domain/errors.js";
import { clip } from "./clean-text.js";

export interface Customer {
  telegramUserId: bigint;
  /** The private chat with the bot; null when the update came from a group. */
  privateChatId: bigint | null;
  name: string;
  languageCode?: string;
}

/** The customer's contact, created on first contact; a private chat id is kept current for replies. */
export async function contactFor(deps: TenantDeps, customer: Customer): Promise<Contact> {
  const identity = { telegramUserId: customer.telegramUserId };
  const existing = await findContactByIdentity(deps, identity);
  if (existing) {
    if (customer.privateChatId !== null && existing.telegramChatId !== customer.privateChatId) {
      return updateContact(deps, existing.id, { telegramChatId: customer.privateChatId });
    }
    return existing;
  }
  try {
    return await createContact(deps, {
      name: clip(customer.name.trim(), 200) || "Telegram user",
      telegramUserId: customer.telegramUserId,
      telegramChatId: customer.privateChatId,
      locale: languageTag(customer.languageCode),
    });
  } catch (err) {
    // Two first messages at once: the other one created the contact.
    const raced = err instanceof ConflictError ? await findContactByIdentity(deps, identity) : null;
    if (raced) return raced;
    throw err;
  }
}

/** The contact if this Telegram user has one (buttons never create contacts). */
export function existingContact(deps: TenantDeps, telegramUserId: bigint): Promise<Contact | null> {
  return findContactByIdentity(deps, { telegramUserId });
}

function languageTag(code: string | undefined): string | null {
  return code && /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/i.test(code) ? code : null;
}

/** The customer behind an update from a Telegram user (private chat or group). */
export function customerFrom(from: { id: number; first_name: string; last_name?: string; language_code?: string }, chat: { id: number; type: string } | undefined): Customer {
  return {
    telegramUserId: BigInt(from.id),
    privateChatId: chat?.type === "private" ? BigInt(chat.id) : null,
    name: [from.first_name, from.last_name].filter(Boolean).join(" "),
    languageCode: from.language_code,
  };
}
