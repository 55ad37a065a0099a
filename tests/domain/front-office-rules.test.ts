// The front-office rules as the Telegram bot calls them (no GraphQL): the same
// checks, audit events and live events as through the API, with the bot's actor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/domain/actor.js";
import { createContact, findContactByIdentity } from "../../src/domain/contacts.js";
import type { TenantDeps } from "../../src/domain/deps.js";
import { NotFoundError, ValidationError, ConflictError } from "../../src/domain/errors.js";
import type { TicketEvent } from "../../src/domain/events.js";
import { recordFeedback } from "../../src/domain/feedback.js";
import { addMessage } from "../../src/domain/messages.js";
import { changeStatus, findTicket, findTicketByNumber, openTicket, requestHuman, ticketsOfContact, updateTicket } from "../../src/domain/tickets.js";
import { activeTenant } from "../../src/tenants/auth.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

const ASSISTANT: Actor = { type: "ASSISTANT", name: "front desk" };

describe(`front-office rules for the bot (${ENGINE})`, () => {
  let app: TestApp;
  let deps: TenantDeps;
  let other: TenantDeps;
  const events: TicketEvent[] = [];

  async function depsFor(slug: string): Promise<TenantDeps> {
    await app.tenant(slug);
    const tenant = activeTenant(await app.services.directory.getTenant(slug));
    return { scope: app.services.scopes.forTenant(tenant.id), tenant, actor: ASSISTANT, events: app.services.events, directory: app.services.directory };
  }

  beforeAll(async () => {
    app = await createTestApp();
    deps = await depsFor("rules-a");
    other = await depsFor("rules-b");
    const iterator = app.services.events.subscribe("ticket", deps.tenant.id)[Symbol.asyncIterator]();
    void (async () => {
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) events.push(n.value);
    })();
  });
  afterAll(() => app?.close());

  it("runs a Telegram conversation: contact, case, details, hand-over, operator reply, rating", async () => {
    const contact = await createContact(deps, { name: "Tg User", telegramUserId: 123456789n, telegramChatId: 123456789n, locale: "de" });
    expect(await findContactByIdentity(deps, { telegramUserId: 123456789n })).toMatchObject({ id: contact.id, telegramChatId: 123456789n });
    expect(await findContactByIdentity(other, { telegramUserId: 123456789n })).toBeNull();

    const ticket = await openTicket(deps, { contactId: contact.id, subject: "Card blocked", body: "My card was blocked.", channel: "TELEGRAM" });
    expect(ticket).toMatchObject({ number: 1, status: "OPEN", channel: "TELEGRAM" });
    expect((await findTicketByNumber(deps, 1))?.id).toBe(ticket.id);
    expect(await findTicketByNumber(other, 1)).toBeNull();
    expect((await ticketsOfContact(deps, contact.id)).map((t) => t.id)).toEqual([ticket.id]);

    await addMessage(deps, { ticketId: ticket.id, body: "It happened at the airport.", author: "CONTACT" });
    expect((await requestHuman(deps, ticket.id)).needsHuman).toBe(true);

    const operatorDeps = { ...deps, actor: { type: "OPERATOR", id: "op-1", name: "agent@example.com" } as Actor };
    const reply = await addMessage(operatorDeps, { ticketId: ticket.id, body: "Unblocked, try again.", author: "OPERATOR" });
    expect((await findTicket(deps, ticket.id))).toMatchObject({ needsHuman: false, firstRespondedAt: reply.createdAt });
    await changeStatus(operatorDeps, ticket.id, "RESOLVED");
    const rating = await recordFeedback(deps, { kind: "CSAT", score: 5, ticketId: ticket.id, comment: "Fast!" });
    expect(rating.contactId).toBe(contact.id);

    await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.ticketId === ticket.id).map((e) => [e.type, e.public ?? null])).toEqual([
      ["TICKET_CREATED", null],
      ["MESSAGE_ADDED", false], // the customer's own words are already in the chat
      ["TICKET_UPDATED", null],
      ["MESSAGE_ADDED", true], // the bot delivers this one
      ["TICKET_UPDATED", null],
      ["FEEDBACK_RECEIVED", null],
    ]);
    const audit = await deps.scope.db.auditEvent.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([
      ["contact.created", "ASSISTANT"],
      ["ticket.created", "ASSISTANT"],
      ["message.added", "ASSISTANT"],
      ["ticket.human_requested", "ASSISTANT"],
      ["message.added", "OPERATOR"],
      ["ticket.status_changed", "OPERATOR"],
      ["feedback.recorded", "ASSISTANT"],
    ]);
  });

  it("raises typed errors the bot can turn into answers, and writes nothing with them", async () => {
    const contact = await createContact(deps, { name: "Err User" });
    const ticket = await openTicket(deps, { contactId: contact.id, subject: "Q", body: "Q?", channel: "TELEGRAM" });
    const auditBefore = await deps.scope.db.auditEvent.count();
    await expect(recordFeedback(deps, { kind: "CSAT", score: 9, ticketId: ticket.id })).rejects.toBeInstanceOf(ValidationError);
    await expect(changeStatus(deps, ticket.id, "CLOSED")).rejects.toMatchObject({ field: "status" });
    await expect(updateTicket(deps, ticket.id, { status: "CLOSED", priority: "URGENT" })).rejects.toBeInstanceOf(ValidationError);
    await expect(addMessage(deps, { ticketId: ticket.id, body: "note", author: "CONTACT", internal: true })).rejects.toMatchObject({ field: "internal" });
    await expect(openTicket(other, { contactId: contact.id, subject: "x", body: "y", channel: "TELEGRAM" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(requestHuman(other, ticket.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(addMessage(other, { ticketId: ticket.id, body: "hi", author: "CONTACT" })).rejects.toBeInstanceOf(NotFoundError);
    expect(await deps.scope.db.auditEvent.count()).toBe(auditBefore);
    expect(await deps.scope.db.ticket.findFirst({ where: { id: ticket.id } })).toMatchObject({ status: "OPEN", priority: "NORMAL" });
    await recordFeedback(deps, { kind: "CSAT", score: 4, ticketId: ticket.id });
    await expect(recordFeedback(deps, { kind: "CSAT", score: 3, ticketId: ticket.id })).rejects.toBeInstanceOf(ConflictError);
  });
});
