// What one customer message does, whatever the Telegram plumbing: the message goes
// into the customer's open case, the assistant answers with tools bound to this
// tenant and this contact, the offline answerer takes over when the LLM fails, and
// every turn and tool call is written to the audit log (actor ASSISTANT).
import type { Contact, Ticket } from "../generated/prisma/index.js";
import { recordAudit } from "../domain/audit.js";
import type { TenantDeps } from "../domain/deps.js";
import { addMessage } from "../domain/messages.js";
import { openTicket, requestHuman, ticketsOfContact } from "../domain/tickets.js";
import type { Logger } from "../logger.js";
import type { ArticleIndex } from "./assistant/article-index.js";
import { subjectFrom } from "./assistant/offline.js";
import type { Assistant, AssistantContext, AssistantReply, CaseSummary, ChatTurn, FrontDeskTools, HumanResult } from "./assistant/types.js";
import { clip } from "./clean-text.js";
import type { KnowledgeCache } from "./knowledge-cache.js";

export interface Assistants {
  /** Null when no OPENAI_API_KEY is configured. */
  llm: Assistant | null;
  offline: Assistant;
}

/** What happened during one turn: the tools read and write it, so nothing is done twice. */
interface Turn {
  contact: Contact;
  text: string;
  history: ChatTurn[];
  open: Ticket | null;
  /** The customer's current message is in `open`'s thread. */
  recorded: boolean;
  createdCaseId?: string;
}

export interface TurnResult {
  reply: AssistantReply;
  /** The case the conversation is in after this turn, if any. */
  case: CaseSummary | null;
  /** Why the LLM did not answer, when it was configured and the offline answerer replied instead. */
  fallback?: string;
}

const QUERY_MAX = 500;

export interface FrontDeskOptions {
  /** The tenants' knowledge indexes, shared by every desk of the process. */
  knowledge: KnowledgeCache;
  /** Before the LLM is asked: a turn commits what it did so far (no transaction waits on a model). */
  beforeExternalCall?: () => Promise<void>;
}

export const summary = (t: Ticket): CaseSummary => ({ number: t.number, subject: t.subject, status: t.status, needsHuman: t.needsHuman });

/** One tenant's front desk; the bot of that tenant holds one. */
export class FrontDesk {
  constructor(
    readonly deps: TenantDeps,
    private readonly assistants: Assistants,
    private readonly logger: Logger,
    private readonly options: FrontDeskOptions,
  ) {}

  /** The same desk acting through other deps (a turn's transaction), committing before the LLM is asked. */
  within(deps: TenantDeps, beforeExternalCall: () => Promise<void>): FrontDesk {
    return new FrontDesk(deps, this.assistants, this.logger, { ...this.options, beforeExternalCall });
  }

  /** The tenant's published articles, indexed (kept until they change: see KnowledgeCache). */
  articles(): Promise<ArticleIndex> {
    return this.options.knowledge.index(this.deps);
  }

  /** The contact's newest OPEN or PENDING case. */
  openCaseOf(contactId: string): Promise<Ticket | null> {
    return this.deps.scope.db.ticket.findFirst({ where: { contactId, status: { in: ["OPEN", "PENDING"] } }, orderBy: { createdAt: "desc" } });
  }

  /** Answers one message from a customer in a private chat. */
  async answer(contact: Contact, text: string, history: ChatTurn[]): Promise<TurnResult> {
    const open = await this.openCaseOf(contact.id);
    const turn: Turn = { contact, text, history, open, recorded: false };
    if (open) {
      await addMessage(this.deps, { ticketId: open.id, body: text, author: "CONTACT" });
      turn.recorded = true;
    }
    const tools = this.tools(turn);
    const context = (): AssistantContext => ({
      tenantName: this.deps.tenant.name,
      locale: this.deps.tenant.settings.locale,
      openCase: turn.open ? summary(turn.open) : null,
      history,
    });
    let reply: AssistantReply | null = null;
    let fallback: string | undefined;
    if (this.assistants.llm) {
      await this.options.beforeExternalCall?.();
      try {
        reply = await this.assistants.llm.reply(text, tools, context());
      } catch (err) {
        fallback = clip((err as Error).message || String(err), 300);
        this.logger.warn({ tenantId: this.deps.tenant.id, err: fallback }, "LLM failed; the offline answerer replies");
      }
    }
    // The offline answerer sees what the LLM did before failing (a case it opened), through the same turn.
    reply ??= await this.assistants.offline.reply(text, tools, context());
    if (turn.open) await addMessage(this.deps, { ticketId: turn.open.id, body: reply.text, author: "ASSISTANT" });
    await this.audit("assistant.turn", { type: "Contact", id: contact.id }, {
      by: reply.by,
      ...(fallback ? { llmFailed: fallback } : {}),
      question: clip(text, 2_000),
      answer: clip(reply.text, 4_000),
      cited: reply.cited?.title ?? null,
      unanswered: reply.unanswered ?? false,
      case: turn.open?.number ?? null,
    });
    return { reply, case: turn.open ? summary(turn.open) : null, fallback };
  }

  /** Opens a new case with the customer's words (/new, or the description asked for). */
  async openNewCase(contact: Contact, text: string): Promise<Ticket> {
    const ticket = await openTicket(this.deps, { contactId: contact.id, subject: subjectFrom(text), body: text, channel: "TELEGRAM" });
    await this.audit("assistant.tool", { type: "Contact", id: contact.id }, { tool: "open_case", via: "/new", result: { number: ticket.number, created: true } });
    return ticket;
  }

  /**
   * Brings a person in: flags the open case, or opens one from the conversation.
   * `customerText` is what the customer just wrote, if anything (it goes into the case);
   * `reason` says why, for the operator.
   */
  requestHuman(contact: Contact, reason: string, history: ChatTurn[] = [], customerText?: string): Promise<HumanResult> {
    const turn: Turn = { contact, text: customerText ?? reason, history, open: null, recorded: customerText === undefined };
    return this.tools(turn).requestHuman(reason);
  }

  /** The customer's cases, newest first. */
  cases(contact: Contact): Promise<CaseSummary[]> {
    return this.tools({ contact, text: "", history: [], open: null, recorded: false }).caseStatus();
  }

  /** One audit event by the assistant, about a contact (or, in a group, a chat). */
  async audit(action: string, entity: { type: "Contact" | "TelegramChat"; id: string }, after: unknown): Promise<void> {
    await this.deps.scope.tx((tx) => recordAudit(tx, this.deps.tenant.id, this.deps.actor, { action, entityType: entity.type, entityId: entity.id, after }));
  }

  /** The tools of one turn, bound to this tenant and this contact. */
  private tools(turn: Turn): FrontDeskTools {
    const deps = this.deps;
    const contactId = turn.contact.id;
    const audited = async <T>(tool: string, input: unknown, run: () => Promise<T>, show: (r: T) => unknown): Promise<T> => {
      const result = await run();
      await this.audit("assistant.tool", { type: "Contact", id: contactId }, { tool, input, result: show(result) });
      return result;
    };
    const ensureCase = async (subject: string): Promise<{ ticket: Ticket; created: boolean }> => {
      turn.open ??= await this.openCaseOf(contactId);
      if (turn.open) {
        if (!turn.recorded) {
          await addMessage(deps, { ticketId: turn.open.id, body: turn.text, author: "CONTACT" });
          turn.recorded = true;
        }
        return { ticket: turn.open, created: turn.open.id === turn.createdCaseId };
      }
      const ticket = await openTicket(deps, { contactId, subject: subjectFrom(subject || turn.text), body: transcript(turn), channel: "TELEGRAM" });
      turn.open = ticket;
      turn.recorded = true;
      turn.createdCaseId = ticket.id;
      return { ticket, created: true };
    };
    return {
      searchKnowledgeBase: (query) =>
        audited(
          "search_knowledge_base",
          { query: clip(query, QUERY_MAX) },
          async () => (await this.articles()).query(clip(query, QUERY_MAX)),
          (hits) => hits.map((h) => ({ title: h.title, score: Math.round(h.score * 10) / 10, coverage: Math.round(h.coverage * 100) / 100 })),
        ),
      openCase: (subject, caseSummary) =>
        audited(
          "open_case",
          { subject: clip(subject, 200) },
          async () => {
            const { ticket, created } = await ensureCase(subject);
            // The model's summary is its own words: kept in the thread as the assistant's, never as the customer's.
            if (created && caseSummary.trim() && caseSummary.trim() !== turn.text.trim()) {
              await addMessage(deps, { ticketId: ticket.id, body: `Summary by the assistant: ${clip(caseSummary.trim(), 2_000)}`, author: "ASSISTANT" });
            }
            return { case: summary(ticket), created };
          },
          (r) => ({ number: r.case.number, created: r.created }),
        ),
      caseStatus: () =>
        audited(
          "case_status",
          {},
          async () => (await ticketsOfContact(deps, contactId, 5)).map(summary),
          (cases) => cases.map((c) => ({ number: c.number, status: c.status })),
        ),
      addToCase: () =>
        audited(
          "add_to_case",
          {},
          async () => {
            if (turn.open && turn.recorded) return { case: summary(turn.open), added: false };
            const [latest] = await ticketsOfContact(deps, contactId, 1);
            if (!latest) return null;
            await addMessage(deps, { ticketId: latest.id, body: turn.text, author: "CONTACT" });
            // A finished case reopens when the customer writes to it (the front-office rule).
            turn.open = (await deps.scope.db.ticket.findFirst({ where: { id: latest.id } })) ?? latest;
            turn.recorded = true;
            return { case: summary(turn.open), added: true };
          },
          (r) => (r ? { number: r.case.number, added: r.added } : null),
        ),
      requestHuman: (reason) =>
        audited(
          "request_human",
          { reason: clip(reason, 500) },
          async () => {
            const { ticket, created } = await ensureCase(reason);
            const flagged = await requestHuman(deps, ticket.id);
            turn.open = flagged;
            return { case: summary(flagged), created, alreadyWaiting: ticket.needsHuman && !created };
          },
          (r) => ({ number: r.case.number, created: r.created, alreadyWaiting: r.alreadyWaiting }),
        ),
    };
  }
}

/** A new case's first message: the customer's own recent words, oldest first. */
function transcript(turn: Turn): string {
  const earlier = turn.history.filter((h) => h.role === "user").slice(-3).map((h) => h.text);
  const lines = [...earlier, turn.text].filter((l) => l.trim());
  return clip(lines.join("\n\n"), 20_000) || "The customer asked for help on Telegram.";
}
