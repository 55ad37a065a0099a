// What one customer message does, whatever the channel plumbing: find or create the
// contact, let the assistant answer with tools bound to this tenant and this contact,
// fall back to the offline answerer when the LLM fails, and audit every turn.
import type { Contact, KnowledgeArticle, Ticket } from "../generated/prisma/index.js";
import { recordAudit } from "../domain/audit.js";
import type { TenantDeps } from "../domain/deps.js";
import { addMessage } from "../domain/messages.js";
import { openTicket, requestHuman, ticketsOfContact } from "../domain/tickets.js";
import type { Logger } from "../logger.js";
import { ArticleIndex, subjectFrom } from "./assistant/offline.js";
import type { Assistant, AssistantReply, CaseSummary, FrontDeskTools } from "./assistant/types.js";

export interface Customer {
  telegramUserId: bigint;
  chatId: bigint;
  name: string;
  languageCode?: string;
}

const summary = (t: Ticket): CaseSummary => ({ number: t.number, subject: t.subject, status: t.status, needsHuman: t.needsHuman });
const isOpen = (t: Ticket) => t.status === "OPEN" || t.status === "PENDING";

/** Published articles per tenant, indexed, kept for a short while. */
const indexes = new Map<string, { at: number; index: ArticleIndex }>();
const INDEX_TTL_MS = 30_000;

async function articleIndex(deps: TenantDeps): Promise<ArticleIndex> {
  const cached = indexes.get(deps.tenant.id);
  if (cached && Date.now() - cached.at < INDEX_TTL_MS) return cached.index;
  const articles: KnowledgeArticle[] = await deps.scope.db.knowledgeArticle.findMany({ where: { published: true } });
  const index = new ArticleIndex(articles);
  indexes.set(deps.tenant.id, { at: Date.now(), index });
  return index;
}

export function forgetArticleIndex(tenantId: string): void {
  indexes.delete(tenantId);
}

/** The Telegram user's contact in this tenant, created on first contact. */
export async function contactFor(deps: TenantDeps, customer: Customer): Promise<Contact> {
  const existing = await deps.scope.db.contact.findFirst({ where: { telegramUserId: customer.telegramUserId } });
  const contact = existing?.mergedIntoId ? await deps.scope.db.contact.findFirst({ where: { id: existing.mergedIntoId } }) : existing;
  if (contact) {
    if (contact.telegramChatId !== customer.chatId) {
      return deps.scope.db.contact.update({ where: { tenantId_id: { tenantId: deps.tenant.id, id: contact.id } }, data: { telegramChatId: customer.chatId } });
    }
    return contact;
  }
  try {
    return await deps.scope.tx(async (tx) => {
      const created = await tx.contact.create({
        data: { tenantId: deps.tenant.id, name: customer.name.slice(0, 200) || "Telegram user", telegramUserId: customer.telegramUserId, telegramChatId: customer.chatId, locale: customer.languageCode ?? null },
      });
      await recordAudit(tx, deps.tenant.id, deps.actor, { action: "contact.created", entityType: "Contact", entityId: created.id, after: created });
      return created;
    });
  } catch {
    // Two first messages at once: the other one created the contact.
    return (await deps.scope.db.contact.findFirst({ where: { telegramUserId: customer.telegramUserId } }))!;
  }
}

export async function openCaseOf(deps: TenantDeps, contactId: string): Promise<Ticket | null> {
  return deps.scope.db.ticket.findFirst({ where: { contactId, status: { in: ["OPEN", "PENDING"] } }, orderBy: { createdAt: "desc" } });
}

/** Tools bound to one tenant and one contact. */
export function toolsFor(deps: TenantDeps, contact: Contact): FrontDeskTools {
  const audit = (action: string, after: unknown) =>
    deps.scope.tx((tx) => recordAudit(tx, deps.tenant.id, deps.actor, { action: `assistant.tool.${action}`, entityType: "Contact", entityId: contact.id, after }));
  return {
    async searchKnowledgeBase(query) {
      const hits = (await articleIndex(deps)).query(query.slice(0, 500));
      await audit("search_knowledge_base", { query: query.slice(0, 500), hits: hits.map((h) => ({ title: h.title, score: Math.round(h.score * 10) / 10 })) });
      return hits;
    },
    async openCase(subject, text) {
      const open = await openCaseOf(deps, contact.id);
      if (open) return summary(open);
      const t = await openTicket(deps, { contactId: contact.id, subject: subjectFrom(subject || text), body: text.slice(0, 20_000) || subject, channel: "TELEGRAM" });
      return summary(t);
    },
    async caseStatus() {
      await audit("case_status", {});
      return (await ticketsOfContact(deps, contact.id, 5)).map(summary);
    },
    async addToCase(text) {
      const open = await openCaseOf(deps, contact.id);
      if (!open) return null;
      await addMessage(deps, { ticketId: open.id, body: text.slice(0, 20_000), author: "CONTACT" });
      return summary(open);
    },
    async requestHuman(reason) {
      let ticket = await openCaseOf(deps, contact.id);
      let created = false;
      if (!ticket) {
        ticket = await openTicket(deps, { contactId: contact.id, subject: subjectFrom(reason), body: reason.slice(0, 20_000) || "Asked for a person.", channel: "TELEGRAM" });
        created = true;
      }
      const was = ticket.needsHuman;
      ticket = await requestHuman(deps, ticket.id);
      return { ticket: { ...summary(ticket), needsHuman: was }, created };
    },
  };
}

/**
 * Answers one message. The LLM answers when configured; if it fails or times out the
 * offline answerer answers the same message, so the customer always gets a reply.
 */
export async function answer(
  deps: TenantDeps,
  contact: Contact,
  text: string,
  assistants: { llm: Assistant | null; offline: Assistant },
  logger: Logger,
): Promise<AssistantReply> {
  const tools = toolsFor(deps, contact);
  const open = await openCaseOf(deps, contact.id);
  const context = { locale: deps.tenant.settings.locale, openCase: open ? summary(open) : null };
  let reply: AssistantReply | null = null;
  if (assistants.llm) {
    try {
      reply = await assistants.llm.reply(text, tools, context);
    } catch (err) {
      logger.warn({ tenantId: deps.tenant.id, err: (err as Error).message }, "LLM failed; the offline answerer replies");
    }
  }
  reply ??= await assistants.offline.reply(text, tools, context);
  await deps.scope.tx((tx) =>
    recordAudit(tx, deps.tenant.id, deps.actor, {
      action: "assistant.turn",
      entityType: "Contact",
      entityId: contact.id,
      after: { by: reply!.by, question: text.slice(0, 2_000), answer: reply!.text.slice(0, 4_000), cited: reply!.cited?.title ?? null, unanswered: reply!.unanswered ?? false },
    }),
  );
  return reply;
}
