// The front-office API through yoga.fetch: contacts, tickets, messages, feedback,
// knowledge base, metrics, the operator queue and live events — and their isolation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

const ok = (payload: any) => {
  if (!payload?.data) throw new Error(`expected success, got ${JSON.stringify(payload)}`);
  return payload.data;
};

describe(`front office (${ENGINE})`, () => {
  let app: TestApp;
  let keyA: string;
  let keyB: string;
  let agentA: string;
  let auditorA: string;
  let agentId: string;

  const gA = (q: string, v?: Record<string, unknown>) => app.gql(q, v, app.as(keyA));
  const gB = (q: string, v?: Record<string, unknown>) => app.gql(q, v, app.as(keyB));

  async function contact(g: typeof gA, name: string, extra: Record<string, unknown> = {}) {
    const res = await g(`mutation($i: CreateContactInput!) { createContact(input: $i) { __typename ... on CreateContactSuccess { data { id } } ... on Error { message } } }`, {
      i: { name, ...extra },
    });
    return ok(res.data.createContact).id as string;
  }

  async function ticket(g: typeof gA, contactId: string, subject = "Broken router", priority = "NORMAL") {
    const res = await g(
      `mutation($i: CreateTicketInput!) { createTicket(input: $i) { __typename ... on CreateTicketSuccess { data { id number status } } ... on Error { message } } }`,
      { i: { contactId, subject, body: `About: ${subject}`, priority } },
    );
    return ok(res.data.createTicket) as { id: string; number: number; status: string };
  }

  const auditCount = async (tenantSlug: string) => {
    const t = await app.services.directory.getTenant(tenantSlug);
    return app.services.scopes.forTenant(t.id).db.auditEvent.count();
  };

  beforeAll(async () => {
    app = await createTestApp();
    keyA = await app.apiKey("fo-a", ["FRONT_READ", "FRONT_WRITE"]);
    keyB = await app.apiKey("fo-b", ["FRONT_READ", "FRONT_WRITE"]);
    agentA = await app.operator("agent@fo.test", { "fo-a": "AGENT", "fo-b": "AGENT", "fo-c": "BACK_OFFICE" });
    auditorA = await app.operator("auditor@fo.test", { "fo-a": "AUDITOR" });
    await app.operator("stranger@fo.test", { "fo-b": "AGENT" });
    agentId = (await app.services.directory.getOperatorByEmail("agent@fo.test")).id;
  });
  afterAll(() => app?.close());

  it("creates, updates, finds and searches contacts; identities are unique within a tenant only", async () => {
    const id = await contact(gA, "Maria Lopez", { email: "Maria@Example.com", phone: "+44 7700 900123", telegramUserId: "5550001" });
    const dup = await gA(`mutation { createContact(input: {name: "Other", email: "maria@example.com"}) { __typename ... on Error { message } } }`);
    expect(dup.data.createContact.__typename).toBe("ConflictError");
    // The same email in another tenant is another customer.
    await contact(gB, "Maria in B", { email: "maria@example.com" });

    const byEmail = await gA(`{ contactByIdentity(email: "maria@example.com") { id name phone } }`);
    expect(byEmail.data.contactByIdentity).toEqual({ id, name: "Maria Lopez", phone: "+447700900123" });
    const byTelegram = await gA(`{ contactByIdentity(telegramUserId: "5550001") { id } }`);
    expect(byTelegram.data.contactByIdentity.id).toBe(id);
    expect((await gB(`{ contactByIdentity(telegramUserId: "5550001") { id } }`)).data.contactByIdentity).toBeNull();

    const search = await gA(`{ contacts(filter: {search: "lopez"}) { totalCount edges { node { name } } } }`);
    expect(search.data.contacts.totalCount).toBe(1);

    const upd = await gA(`mutation($i: UpdateContactInput!) { updateContact(input: $i) { __typename ... on UpdateContactSuccess { data { name tags } } } }`, {
      i: { id, name: "Maria L.", tags: ["VIP", "vip"] },
    });
    expect(upd.data.updateContact.data).toEqual({ name: "Maria L.", tags: ["vip"] });

    const bad = await gA(`mutation { createContact(input: {name: "X", email: "not-an-email"}) { __typename ... on ValidationError { field message } } }`);
    expect(bad.data.createContact).toMatchObject({ __typename: "ValidationError", field: "email" });
  });

  it("merges two contacts: tickets and feedback move to the survivor; across tenants it is not found", async () => {
    const survivor = await contact(gA, "Sam Survivor", { email: "sam@example.com" });
    const dupe = await contact(gA, "Sam Dupe", { phone: "+15550100", tags: ["dupe"] });
    const t = await ticket(gA, dupe, "Dupe's ticket");
    const merged = await gA(
      `mutation($i: MergeContactsInput!) { mergeContacts(input: $i) { __typename ... on MergeContactsSuccess { data { id phone tags tickets { totalCount } } } ... on Error { message } } }`,
      { i: { survivorId: survivor, mergedId: dupe } },
    );
    expect(merged.data.mergeContacts.data).toMatchObject({ id: survivor, phone: "+15550100", tags: ["dupe"], tickets: { totalCount: 1 } });
    const old = await gA(`query($id: ID!) { node(id: $id) { ... on Contact { mergedInto { id } } } }`, { id: dupe });
    expect(old.data.node.mergedInto.id).toBe(survivor);
    const moved = await gA(`query($id: ID!) { node(id: $id) { ... on Ticket { contact { id } } } }`, { id: t.id });
    expect(moved.data.node.contact.id).toBe(survivor);

    const other = await contact(gB, "B person");
    const cross = await gA(`mutation($i: MergeContactsInput!) { mergeContacts(input: $i) { __typename } }`, { i: { survivorId: survivor, mergedId: other } });
    expect(cross.data.mergeContacts.__typename).toBe("NotFoundError");
  });

  it("numbers tickets 1, 2, 3… per tenant, uniquely under concurrent creation", async () => {
    const c = await contact(gA, "Concurrent Carl");
    const cB = await contact(gB, "Concurrent Bea");
    const before = (await gA(`{ tickets(first: 1, orderBy: {field: CREATED_AT}) { edges { node { number } } } }`)).data.tickets.edges[0]?.node.number ?? 0;
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => ticket(gA, c, `Concurrent ${i}`)));
    const numbers = made.map((t) => t.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => before + i + 1));
    // Tenant B has its own sequence.
    expect((await ticket(gB, cB)).number).toBe(1);
    const byNumber = await gA(`query($n: Int!) { ticketByNumber(number: $n) { id } }`, { n: numbers[0] });
    expect(byNumber.data.ticketByNumber.id).toBeTruthy();
    expect((await gB(`query($n: Int!) { ticketByNumber(number: $n) { id } }`, { n: 9999 })).data.ticketByNumber).toBeNull();
  });

  it("moves status along allowed transitions only; a refused change writes nothing", async () => {
    const t = await ticket(gA, await contact(gA, "Status Sue"));
    const update = (status: string) =>
      gA(`mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { __typename ... on UpdateTicketSuccess { data { status resolvedAt closedAt } } ... on ValidationError { field message } } }`, {
        i: { id: t.id, status },
      });
    const audits = await auditCount("fo-a");
    const refused = await update("CLOSED");
    expect(refused.data.updateTicket).toMatchObject({ __typename: "ValidationError", field: "status" });
    expect(refused.data.updateTicket.message).toMatch(/OPEN cannot become CLOSED/);
    expect(await auditCount("fo-a")).toBe(audits);
    expect((await update("PENDING")).data.updateTicket.data.status).toBe("PENDING");
    const resolved = (await update("RESOLVED")).data.updateTicket.data;
    expect(resolved.resolvedAt).toBeTruthy();
    expect((await update("CLOSED")).data.updateTicket.data.closedAt).toBeTruthy();
    const reopened = (await update("OPEN")).data.updateTicket.data;
    expect(reopened).toMatchObject({ status: "OPEN", resolvedAt: null, closedAt: null });
    expect(await auditCount("fo-a")).toBe(audits + 4);
  });

  it("assigns only to operators with a front-office role in the tenant", async () => {
    const t = await ticket(gA, await contact(gA, "Assign Ann"));
    const assign = (assigneeId: string | null) =>
      gA(`mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { __typename ... on UpdateTicketSuccess { data { assignee { email } } } ... on ValidationError { field message } } }`, {
        i: { id: t.id, assigneeId },
      });
    expect((await assign(agentId)).data.updateTicket.data.assignee.email).toBe("agent@fo.test");
    const stranger = (await app.services.directory.getOperatorByEmail("stranger@fo.test")).id;
    const refused = await assign(stranger);
    expect(refused.data.updateTicket).toMatchObject({ __typename: "ValidationError", field: "assigneeId" });
    const auditor = (await app.services.directory.getOperatorByEmail("auditor@fo.test")).id;
    expect((await assign(auditor)).data.updateTicket.message).toMatch(/AUDITOR here/);
    expect((await assign(null)).data.updateTicket.data.assignee).toBeNull();
  });

  it("records the first public operator reply as the first response; internal notes do not count", async () => {
    const t = await ticket(gA, await contact(gA, "Reply Rita"));
    const reply = (body: string, internal: boolean) =>
      app.gql(`mutation($i: ReplyInput!) { reply(input: $i) { __typename ... on ReplySuccess { data { internal author } } } }`, { i: { ticketId: t.id, body, internal } }, app.as(agentA, "fo-a"));
    expect((await reply("note to self", true)).data.reply.data).toEqual({ internal: true, author: "OPERATOR" });
    const q = `query($id: ID!) { node(id: $id) { ... on Ticket { firstRespondedAt messages(last: 3) { totalCount edges { node { body internal } } } } } }`;
    expect((await gA(q, { id: t.id })).data.node.firstRespondedAt).toBeNull();
    await reply("We are on it", false);
    const after = (await gA(q, { id: t.id })).data.node;
    expect(after.firstRespondedAt).toBeTruthy();
    expect(after.messages.totalCount).toBe(3);
    const tooLong = await gA(`mutation($i: ReplyInput!) { reply(input: $i) { __typename ... on ValidationError { field } } }`, { i: { ticketId: t.id, body: "x".repeat(20_001) } });
    expect(tooLong.data.reply).toEqual({ __typename: "ValidationError", field: "body" });
  });

  it("rejects out-of-range feedback and a second CSAT for a ticket, writing nothing", async () => {
    const t = await ticket(gA, await contact(gA, "Rating Ron"));
    const rate = (kind: string, score: number) =>
      gA(`mutation($i: RecordFeedbackInput!) { recordFeedback(input: $i) { __typename ... on RecordFeedbackSuccess { data { score } } ... on ValidationError { field message } } }`, {
        i: { kind, score, ticketId: t.id, comment: "ok" },
      });
    const audits = await auditCount("fo-a");
    for (const [kind, score] of [["CSAT", 0], ["CSAT", 6], ["NPS", 11], ["NPS", -1], ["CES", 8]] as const) {
      expect((await rate(kind, score)).data.recordFeedback).toMatchObject({ __typename: "ValidationError", field: "score" });
    }
    expect(await auditCount("fo-a")).toBe(audits);
    expect((await rate("CSAT", 5)).data.recordFeedback.data.score).toBe(5);
    expect((await rate("CSAT", 1)).data.recordFeedback.__typename).toBe("ConflictError");
    expect((await rate("NPS", 10)).data.recordFeedback.data.score).toBe(10);
    expect((await rate("CES", 2)).data.recordFeedback.data.score).toBe(2);
    const count = await gA(`{ feedback(filter: {kind: [CSAT]}) { totalCount } }`);
    expect(count.data.feedback.totalCount).toBe(1);
  });

  it("manages and searches the knowledge base", async () => {
    const created = await gA(`mutation { createKnowledgeArticle(input: {title: "Refund policy", body: "Refunds take 5 working days.", tags: ["billing"]}) {
      __typename ... on CreateKnowledgeArticleSuccess { data { id published } } } }`);
    const { id, published } = created.data.createKnowledgeArticle.data;
    expect(published).toBe(false);
    const pub = await gA(`mutation($i: UpdateKnowledgeArticleInput!) { updateKnowledgeArticle(input: $i) { __typename ... on UpdateKnowledgeArticleSuccess { data { published } } } }`, {
      i: { id, published: true },
    });
    expect(pub.data.updateKnowledgeArticle.data.published).toBe(true);
    const found = await gA(`{ knowledgeArticles(filter: {search: "refunds working", published: true}) { totalCount edges { node { title } } } }`);
    expect(found.data.knowledgeArticles.edges.map((e: any) => e.node.title)).toEqual(["Refund policy"]);
    expect((await gB(`{ knowledgeArticles(filter: {search: "refund"}) { totalCount } }`)).data.knowledgeArticles.totalCount).toBe(0);
    const del = await gB(`mutation($i: DeleteKnowledgeArticleInput!) { deleteKnowledgeArticle(input: $i) { __typename } }`, { i: { id } });
    expect(del.data.deleteKnowledgeArticle.__typename).toBe("NotFoundError");
    expect((await gA(`mutation($i: DeleteKnowledgeArticleInput!) { deleteKnowledgeArticle(input: $i) { __typename } }`, { i: { id } })).data.deleteKnowledgeArticle.__typename).toBe(
      "DeleteKnowledgeArticleSuccess",
    );
  });

  it("computes metrics for a range", async () => {
    const t = await ticket(gB, await contact(gB, "Metric Mo"));
    await gB(`mutation($i: RecordFeedbackInput!) { recordFeedback(input: $i) { __typename } }`, { i: { kind: "CSAT", score: 4, ticketId: t.id } });
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const m = await gB(`query($from: DateTime!, $to: DateTime!) { metrics(from: $from, to: $to) {
      ticketsOpened ticketsResolved backlog { status count } csat { responses score } nps { score } ces { average } slaBreaches { firstResponse resolution } } }`, { from, to });
    expect(m.errors).toBeUndefined();
    expect(m.data.metrics.csat).toMatchObject({ responses: 1, score: 100 });
    expect(m.data.metrics.ticketsOpened).toBeGreaterThanOrEqual(1);
    expect(m.data.metrics.backlog.find((b: any) => b.status === "OPEN").count).toBe(m.data.metrics.ticketsOpened - m.data.metrics.ticketsResolved);
    const badRange = await gB(`{ metrics(from: "2030-01-01T00:00:00Z", to: "2020-01-01T00:00:00Z") { ticketsOpened } }`);
    expect(badRange.errors?.[0]?.message).toMatch(/must end after it starts/);
    expect(badRange.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "to" });
  });

  it("gives an operator one queue across tenants where they hold a front-office role, with the tenant on each ticket", async () => {
    const res = await app.gql(`{ queue(first: 100) { totalCount edges { node { number tenant { slug } } } } }`, {}, app.as(agentA));
    const slugs = new Set(res.data.queue.edges.map((e: any) => e.node.tenant.slug));
    expect([...slugs].sort()).toEqual(["fo-a", "fo-b"]);
    const onlyB = await app.gql(`{ queue(filter: {tenants: ["fo-b"]}) { edges { node { tenant { slug } } } } }`, {}, app.as(agentA));
    expect(new Set(onlyB.data.queue.edges.map((e: any) => e.node.tenant.slug))).toEqual(new Set(["fo-b"]));
    // fo-c is BACK_OFFICE for this operator: never in the queue, even when asked for.
    const c = await app.tenant("fo-c");
    await app.services.scopes.forTenant(c.id).tx(async (tx) => {
      const ct = await tx.contact.create({ data: { tenantId: c.id, name: "C" } });
      await tx.ticket.create({ data: { tenantId: c.id, number: 1, subject: "c", channel: "API", contactId: ct.id } });
    });
    const asked = await app.gql(`{ queue(filter: {tenants: ["fo-c"]}) { totalCount } }`, {}, app.as(agentA));
    expect(asked.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const mine = await app.gql(`{ queue(filter: {assignedToMe: true}) { totalCount } }`, {}, app.as(agentA));
    expect(mine.errors).toBeUndefined();
    const byKey = await gA(`{ queue { totalCount } }`);
    expect(byKey.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("lets an AUDITOR read but not change", async () => {
    const read = await app.gql(`{ tickets(first: 1) { totalCount } }`, {}, app.as(auditorA, "fo-a"));
    expect(read.data.tickets.totalCount).toBeGreaterThan(0);
    const write = await app.gql(`mutation { createContact(input: {name: "No"}) { __typename } }`, {}, app.as(auditorA, "fo-a"));
    expect(write.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("refuses page sizes over 100 with a clear error, and filters and sorts", async () => {
    const big = await gA(`{ tickets(first: 101) { totalCount } }`);
    expect(big.errors?.[0]?.message).toMatch(/`first` must be between 0 and 100/);
    const urgent = await ticket(gA, await contact(gA, "Urgent Uma"), "Fire", "URGENT");
    const sorted = await gA(`{ tickets(first: 1, orderBy: {field: PRIORITY, direction: DESC}) { edges { node { id priority } } } }`);
    expect(sorted.data.tickets.edges[0].node.priority).toBe("URGENT");
    const filtered = await gA(`{ tickets(filter: {priority: [URGENT], search: "fire"}) { totalCount edges { node { id } } } }`);
    expect(filtered.data.tickets.edges.map((e: any) => e.node.id)).toEqual([urgent.id]);
    const breached = await gA(`{ tickets(filter: {slaBreached: true}) { totalCount } }`);
    expect(breached.data.tickets.totalCount).toBe(0);
  });

  it("does not grow the number of SQL statements with the page size (no N+1)", async () => {
    const c = await contact(gA, "Bulk Bob");
    for (let i = 0; i < 50; i++) await ticket(gA, c, `Bulk ${i}`);
    const query = (n: number) =>
      `{ tickets(first: ${n}) { edges { node { number contact { name } assignee { email } messages(last: 3) { edges { node { body } } } } } } }`;
    const count = async (n: number) => {
      const before = app.services.database.stats.statements;
      const res = await gA(query(n));
      expect(res.errors).toBeUndefined();
      expect(res.data.tickets.edges).toHaveLength(n);
      return app.services.database.stats.statements - before;
    };
    const small = await count(5);
    const large = await count(50);
    expect(large).toBe(small);
  });

  it("treats every other tenant's id as not found", async () => {
    const cA = await contact(gA, "Only A");
    const tA = await ticket(gA, cA);
    const attempts = {
      createTicket: await gB(`mutation($c: ID!) { createTicket(input: {contactId: $c, subject: "x", body: "y"}) { __typename } }`, { c: cA }),
      updateTicket: await gB(`mutation($t: ID!) { updateTicket(input: {id: $t, status: PENDING}) { __typename } }`, { t: tA.id }),
      reply: await gB(`mutation($t: ID!) { reply(input: {ticketId: $t, body: "hi"}) { __typename } }`, { t: tA.id }),
      recordFeedback: await gB(`mutation($t: ID!) { recordFeedback(input: {kind: CSAT, score: 5, ticketId: $t}) { __typename } }`, { t: tA.id }),
      updateContact: await gB(`mutation($c: ID!) { updateContact(input: {id: $c, name: "x"}) { __typename } }`, { c: cA }),
      requestHuman: await gB(`mutation($t: ID!) { requestHuman(input: {ticketId: $t}) { __typename } }`, { t: tA.id }),
    };
    for (const [name, res] of Object.entries(attempts)) expect([name, Object.values(res.data)[0]]).toEqual([name, { __typename: "NotFoundError" }]);
    const filter = await gB(`query($c: ID!) { tickets(filter: {contactId: $c}) { totalCount } }`, { c: cA });
    expect(filter.data.tickets.totalCount).toBe(0);
    expect((await gB(`query($id: ID!) { node(id: $id) { id } }`, { id: tA.id })).data.node).toBeNull();
    // A wrong-typed id is a validation error on the field, not a crash.
    const wrongType = await gA(`mutation($c: ID!) { createTicket(input: {contactId: $c, subject: "x", body: "y"}) { __typename ... on ValidationError { field } } }`, { c: tA.id });
    expect(wrongType.data.createTicket).toEqual({ __typename: "ValidationError", field: "contactId" });
  });

  it("streams ticket events to subscribers of the same tenant only", async () => {
    const subscribe = async (key: string) => {
      const res = await app.api.fetch("http://tandem.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...app.as(key) },
        body: JSON.stringify({ query: "subscription { ticketEvents { type ticket { subject } } }" }),
      });
      const reader = res.body!.getReader();
      const events: any[] = [];
      let buffer = "";
      const done = (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += new TextDecoder().decode(value);
            let i;
            while ((i = buffer.indexOf("\n\n")) >= 0) {
              const chunk = buffer.slice(0, i);
              buffer = buffer.slice(i + 2);
              const data = chunk.split("\n").find((l) => l.startsWith("data:"));
              if (data && data.length > 6) events.push(JSON.parse(data.slice(5)));
            }
          }
        } catch {
          // aborted
        }
      })();
      return {
        events,
        stop: async () => {
          await reader.cancel();
          await done;
        },
      };
    };
    const subA = await subscribe(keyA);
    const subB = await subscribe(keyB);
    await new Promise((r) => setTimeout(r, 100));
    await ticket(gA, await contact(gA, "Live Liz"), "Live event");
    for (let i = 0; i < 50 && !subA.events.some((e) => e.data?.ticketEvents?.type === "TICKET_CREATED"); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    await subA.stop();
    await subB.stop();
    const created = subA.events.find((e) => e.data?.ticketEvents?.type === "TICKET_CREATED");
    expect(created.data.ticketEvents.ticket.subject).toBe("Live event");
    expect(subB.events.filter((e) => e.data)).toEqual([]);
  });
});
