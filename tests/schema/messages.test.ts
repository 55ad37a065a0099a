// Ticket threads through the API: operator replies and internal notes, customer
// messages relayed by partner apps, first-response times, and the MESSAGE_ADDED
// event (with its `public` flag) the Telegram bot consumes to deliver replies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TicketEvent } from "../../src/domain/events.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { mutate, newContact, newTicket, ok, rowCounts, rowId, ticketRow, type Gql } from "./front-office-support.js";

/** Collects the bus events of one tenant, as the bot receives them. */
function listen(app: TestApp, tenantId: string) {
  const events: TicketEvent[] = [];
  const iterator = app.services.events.subscribe("ticket", tenantId)[Symbol.asyncIterator]();
  const pump = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      events.push(next.value);
    }
  })();
  return {
    events,
    async until(predicate: (e: TicketEvent) => boolean) {
      for (let i = 0; i < 100 && !events.some(predicate); i++) await new Promise((r) => setTimeout(r, 10));
      return events.filter(predicate);
    },
    async stop() {
      await iterator.return?.();
      await pump;
    },
  };
}

describe(`messages (${ENGINE})`, () => {
  let app: TestApp;
  let gA: Gql;
  let gB: Gql;
  let agent: string;
  let tenantA: string;
  let tenantB: string;

  const reply = (ticketId: string, body: string, internal = false) =>
    app.gql(
      `mutation($i: ReplyInput!) { reply(input: $i) { __typename ... on ReplySuccess { data { id author body internal createdAt ticket { id } } } ... on Error { message } } }`,
      { i: { ticketId, body, internal } },
      app.as(agent, "msg-a"),
    );

  beforeAll(async () => {
    app = await createTestApp();
    const keyA = await app.apiKey("msg-a", ["FRONT_READ", "FRONT_WRITE"]);
    const keyB = await app.apiKey("msg-b", ["FRONT_READ", "FRONT_WRITE"]);
    gA = (q, v) => app.gql(q, v, app.as(keyA));
    gB = (q, v) => app.gql(q, v, app.as(keyB));
    agent = await app.operator("agent@msg.test", { "msg-a": "AGENT" });
    tenantA = (await app.tenant("msg-a")).id;
    tenantB = (await app.tenant("msg-b")).id;
  });
  afterAll(() => app?.close());

  it("takes the first public operator reply as the first response; notes do not count and later replies do not move it", async () => {
    const t = await newTicket(gA, await newContact(gA, "Rita Reply"));
    const note = await reply(t.id, "Customer sounds upset, check billing first", true);
    expect(note.data.reply.data).toMatchObject({ author: "OPERATOR", internal: true, ticket: { id: t.id } });
    expect((await ticketRow(app, "msg-a", t.id)).firstRespondedAt).toBeNull();

    const first = (await reply(t.id, "We are on it.")).data.reply.data;
    const row = await ticketRow(app, "msg-a", t.id);
    expect(row.firstRespondedAt?.toISOString()).toBe(first.createdAt);
    expect(row.firstResponseLate).toBe(false);
    await reply(t.id, "Fixed now.");
    expect((await ticketRow(app, "msg-a", t.id)).firstRespondedAt?.toISOString()).toBe(first.createdAt);

    // The author of an operator message is the operator; notes are marked in the thread.
    const thread = await gA(`query($id: ID!) { node(id: $id) { ... on Ticket { firstRespondedAt messages { totalCount edges { node { author internal body } } } } } }`, { id: t.id });
    expect(thread.data.node.messages.edges.map((e: any) => [e.node.author, e.node.internal])).toEqual([
      ["CONTACT", false],
      ["OPERATOR", true],
      ["OPERATOR", false],
      ["OPERATOR", false],
    ]);
    const [message] = await app.services.scopes.forTenant(tenantA).db.message.findMany({ where: { id: rowId(first.id) } });
    expect(message!.authorId).toBe((await app.services.directory.getOperatorByEmail("agent@msg.test")).id);
  });

  it("marks a first response after its due time as late", async () => {
    const t = await newTicket(gA, await newContact(gA, "Larry Late"));
    await app.services.scopes
      .forTenant(tenantA)
      .tx((tx) => tx.ticket.update({ where: { tenantId_id: { tenantId: tenantA, id: rowId(t.id) } }, data: { firstResponseDueAt: new Date(Date.now() - 60_000) } }));
    await reply(t.id, "Sorry for the delay.");
    expect((await ticketRow(app, "msg-a", t.id)).firstResponseLate).toBe(true);
  });

  it("publishes MESSAGE_ADDED for the bot: public for replies, not for notes or the customer's own messages", async () => {
    const t = await newTicket(gA, await newContact(gA, "Eve Event", { telegramUserId: "99001" }));
    const bus = listen(app, tenantA);
    const other = listen(app, tenantB);
    const publicReply = (await reply(t.id, "Public answer")).data.reply.data;
    const note = (await reply(t.id, "Private note", true)).data.reply.data;
    const customer = ok(await mutate(gA, "addCustomerMessage", "AddCustomerMessageInput", { ticketId: t.id, body: "Thanks!" }));
    const added = await bus.until((e) => e.type === "MESSAGE_ADDED" && e.messageId === rowId(customer.id));
    expect(added).toHaveLength(1);
    await bus.stop();
    await other.stop();
    const messages = bus.events.filter((e) => e.type === "MESSAGE_ADDED");
    expect(messages.map((e) => [e.messageId, e.public, e.ticketId, e.tenantId])).toEqual([
      [rowId(publicReply.id), true, rowId(t.id), tenantA],
      [rowId(note.id), false, rowId(t.id), tenantA],
      [rowId(customer.id), false, rowId(t.id), tenantA],
    ]);
    expect(other.events).toEqual([]);
  });

  it("puts a waiting ticket back to OPEN when the customer writes, and reopens a resolved or closed one", async () => {
    const t = await newTicket(gA, await newContact(gA, "Carla Customer"));
    const status = async () => (await ticketRow(app, "msg-a", t.id)).status;
    const set = (s: string) => mutate(gA, "updateTicket", "UpdateTicketInput", { id: t.id, status: s });
    const customerSays = (body: string) => mutate(gA, "addCustomerMessage", "AddCustomerMessageInput", { ticketId: t.id, body }, "author contact { name }");
    ok(await set("PENDING"));
    expect(ok(await customerSays("Any news?"))).toEqual({ author: "CONTACT", contact: { name: "Carla Customer" } });
    expect(await status()).toBe("OPEN");
    ok(await set("RESOLVED"));
    ok(await customerSays("It broke again."));
    expect(await ticketRow(app, "msg-a", t.id)).toMatchObject({ status: "OPEN", resolvedAt: null });
    ok(await set("RESOLVED"));
    ok(await set("CLOSED"));
    ok(await customerSays("And again."));
    expect(await ticketRow(app, "msg-a", t.id)).toMatchObject({ status: "OPEN", closedAt: null });
    const audit = await app.services.scopes.forTenant(tenantA).db.auditEvent.findMany({ where: { action: "message.added", entityType: "Message" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 });
    expect(audit[0]).toMatchObject({ actorType: "API_KEY", before: { ticket: { status: "CLOSED" } }, after: { ticket: { status: "OPEN" } } });
  });

  it("refuses empty and oversized bodies, writing nothing", async () => {
    const t = await newTicket(gA, await newContact(gA, "Sid Size"));
    const before = await rowCounts(app, "msg-a");
    for (const body of ["", "   ", "x".repeat(20_001)]) {
      const res = await mutate(gA, "reply", "ReplyInput", { ticketId: t.id, body });
      expect(res).toMatchObject({ __typename: "ValidationError", field: "body" });
    }
    expect(await rowCounts(app, "msg-a")).toEqual(before);
    expect(ok(await mutate(gA, "reply", "ReplyInput", { ticketId: t.id, body: "x".repeat(20_000) }, "body")).body).toHaveLength(20_000);
  });

  it("keeps another tenant's threads out of reach: not found, nothing written, no event", async () => {
    const t = await newTicket(gA, await newContact(gA, "Ava Alone"));
    const bus = listen(app, tenantA);
    const before = await rowCounts(app, "msg-a");
    expect(await mutate(gB, "reply", "ReplyInput", { ticketId: t.id, body: "Hello from B" })).toMatchObject({ __typename: "NotFoundError" });
    expect(await mutate(gB, "reply", "ReplyInput", { ticketId: t.id, body: "Note from B", internal: true })).toMatchObject({ __typename: "NotFoundError" });
    expect(await mutate(gB, "addCustomerMessage", "AddCustomerMessageInput", { ticketId: t.id, body: "hi" })).toMatchObject({ __typename: "NotFoundError" });
    const thread = await gA(`query($id: ID!) { node(id: $id) { ... on Ticket { messages { edges { node { id } } } } } }`, { id: t.id });
    const messageId = thread.data.node.messages.edges[0].node.id;
    expect((await gB(`query($id: ID!) { node(id: $id) { id } }`, { id: messageId })).data.node).toBeNull();
    expect(await rowCounts(app, "msg-a")).toEqual(before);
    await new Promise((r) => setTimeout(r, 50));
    await bus.stop();
    expect(bus.events).toEqual([]);
  });
});
