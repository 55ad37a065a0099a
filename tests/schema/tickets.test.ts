// Tickets through the API: opening, numbering (also under concurrency), reading the
// thread, listing with filters, order and page limits, status transitions, priority
// and SLA, assignment, tags, hand-over, permissions and isolation from other tenants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, TEST_PASSWORD, type TestApp } from "../support/app.js";
import { mutate, newContact, newTicket, ok, rowCounts, rowId, ticketRow, type Gql } from "./front-office-support.js";

const MINUTE = 60_000;

/** URGENT tickets due in 10 minutes (first response) and 60 (resolution), and so on. */
const SHORT_SLA = {
  URGENT: { firstResponseMinutes: 10, resolutionMinutes: 60 },
  HIGH: { firstResponseMinutes: 30, resolutionMinutes: 240 },
  NORMAL: { firstResponseMinutes: 120, resolutionMinutes: 1440 },
  LOW: { firstResponseMinutes: 480, resolutionMinutes: 4320 },
};

describe(`tickets (${ENGINE})`, () => {
  let app: TestApp;
  let gA: Gql;
  let gB: Gql;
  let agent: string;
  let agentId: string;
  let auditor: string;

  const update = (g: Gql, input: Record<string, unknown>, select = "status priority assignee { email } tags needsHuman resolvedAt closedAt") =>
    mutate(g, "updateTicket", "UpdateTicketInput", input, select);

  async function setTicket(slug: string, globalId: string, data: Record<string, unknown>) {
    const tenant = await app.services.directory.getTenant(slug);
    await app.services.scopes.forTenant(tenant.id).tx((tx) => tx.ticket.update({ where: { tenantId_id: { tenantId: tenant.id, id: rowId(globalId) } }, data }));
  }

  beforeAll(async () => {
    app = await createTestApp();
    // tk-a has its own SLA policy: URGENT tickets are due in 10 minutes (first response) and 60 (resolution).
    await app.services.directory.createTenant({
      slug: "tk-a",
      name: "A",
      settings: { slaPolicy: SHORT_SLA },
    });
    const keyA = await app.apiKey("tk-a", ["FRONT_READ", "FRONT_WRITE"]);
    const keyB = await app.apiKey("tk-b", ["FRONT_READ", "FRONT_WRITE"]);
    gA = (q, v) => app.gql(q, v, app.as(keyA));
    gB = (q, v) => app.gql(q, v, app.as(keyB));
    agent = await app.operator("agent@tk.test", { "tk-a": "AGENT" });
    agentId = (await app.services.directory.getOperatorByEmail("agent@tk.test")).id;
    auditor = await app.operator("auditor@tk.test", { "tk-a": "AUDITOR" });
    await app.operator("backoffice@tk.test", { "tk-a": "BACK_OFFICE" });
    await app.operator("other-tenant@tk.test", { "tk-b": "AGENT" });
  });
  afterAll(() => app?.close());

  it("opens a ticket with its first message, due times from the tenant's policy, and an audit event", async () => {
    const contact = await newContact(gA, "Olga Open");
    const res = await mutate(
      gA,
      "createTicket",
      "CreateTicketInput",
      { contactId: contact, subject: "  Invoice is wrong  ", body: "I was charged twice.", priority: "URGENT", channel: "EMAIL", tags: ["Billing"] },
      "id number subject status priority channel tags needsHuman createdAt firstResponseDueAt resolutionDueAt firstRespondedAt slaBreached contact { id } messages { totalCount edges { node { author body internal } } }",
    );
    const t = ok(res);
    expect(t).toMatchObject({
      subject: "Invoice is wrong",
      status: "OPEN",
      priority: "URGENT",
      channel: "EMAIL",
      tags: ["billing"],
      needsHuman: false,
      firstRespondedAt: null,
      slaBreached: false,
      contact: { id: contact },
      messages: { totalCount: 1, edges: [{ node: { author: "CONTACT", body: "I was charged twice.", internal: false } }] },
    });
    const created = Date.parse(t.createdAt);
    expect(Date.parse(t.firstResponseDueAt) - created).toBe(10 * MINUTE);
    expect(Date.parse(t.resolutionDueAt) - created).toBe(60 * MINUTE);

    const tenant = await app.services.directory.getTenant("tk-a");
    const audit = await app.services.scopes.forTenant(tenant.id).db.auditEvent.findFirst({ where: { entityId: rowId(t.id), action: "ticket.created" } });
    expect(audit).toMatchObject({ actorType: "API_KEY", entityType: "Ticket", after: expect.objectContaining({ subject: "Invoice is wrong" }) });
  });

  it("refuses bad input with the field named, writing nothing", async () => {
    const contact = await newContact(gA, "Vera Valid");
    const before = await rowCounts(app, "tk-a");
    const cases: [Record<string, unknown>, string][] = [
      [{ subject: " " }, "subject"],
      [{ subject: "s".repeat(201) }, "subject"],
      [{ body: "" }, "body"],
      [{ body: "b".repeat(20_001) }, "body"],
      [{ tags: ["has space"] }, "tags"],
      [{ contactId: "not-an-id" }, "contactId"],
    ];
    for (const [input, field] of cases) {
      const res = await mutate(gA, "createTicket", "CreateTicketInput", { contactId: contact, subject: "ok", body: "ok", ...input });
      expect([field, res.__typename, res.field]).toEqual([field, "ValidationError", field]);
    }
    const enumError = await gA(`mutation($c: ID!) { createTicket(input: {contactId: $c, subject: "s", body: "b", priority: CRITICAL}) { __typename } }`, { c: contact });
    expect(enumError.errors?.[0]?.message).toMatch(/CRITICAL/);
    expect(await rowCounts(app, "tk-a")).toEqual(before);
  });

  it("numbers each tenant's tickets 1, 2, 3… with no gaps or duplicates under concurrent creation", async () => {
    const keyC = await app.apiKey("tk-fresh", ["FRONT_READ", "FRONT_WRITE"]);
    const gC: Gql = (q, v) => app.gql(q, v, app.as(keyC));
    const contact = await newContact(gC, "Carl Concurrent");
    // The very first tickets of a tenant race on creating its counter row as well.
    const made = await Promise.all(Array.from({ length: 16 }, (_, i) => newTicket(gC, contact, { subject: `Concurrent ${i}` })));
    expect(made.map((t) => t.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    // Another tenant keeps its own sequence, and a refused creation does not use up a number.
    const other = await newTicket(gB, await newContact(gB, "Bea"));
    expect(await mutate(gC, "createTicket", "CreateTicketInput", { contactId: contact, subject: "", body: "x" })).toMatchObject({ __typename: "ValidationError" });
    expect((await newTicket(gC, contact)).number).toBe(17);

    const byNumber = await gC(`{ ticketByNumber(number: 7) { id subject } }`);
    const seventh = made.findIndex((t) => t.number === 7);
    expect(byNumber.data.ticketByNumber).toEqual({ id: made[seventh]!.id, subject: `Concurrent ${seventh}` });
    // Tenant B's ticket number 1 is B's own; A's numbers beyond B's count do not exist for B.
    expect((await gB(`query($n: Int!) { ticketByNumber(number: $n) { id } }`, { n: other.number })).data.ticketByNumber.id).toBe(other.id);
    expect((await gB(`{ ticketByNumber(number: 17) { id } }`)).data.ticketByNumber).toBeNull();
    expect((await gC(`{ ticketByNumber(number: 0) { id } }`)).data.ticketByNumber).toBeNull();
  });

  it("moves status along the allowed transitions only; a refused change writes nothing at all", async () => {
    const t = await newTicket(gA, await newContact(gA, "Sue Status"));
    const rowBefore = await ticketRow(app, "tk-a", t.id);
    const countsBefore = await rowCounts(app, "tk-a");
    // Together with a valid priority change: the refusal must not let the priority through.
    const refused = await update(gA, { id: t.id, status: "CLOSED", priority: "HIGH", tags: ["x"] });
    expect(refused).toMatchObject({ __typename: "ValidationError", field: "status", message: expect.stringMatching(/OPEN cannot become CLOSED.*PENDING or RESOLVED/) });
    expect(await ticketRow(app, "tk-a", t.id)).toEqual(rowBefore);
    expect(await rowCounts(app, "tk-a")).toEqual(countsBefore);

    expect(ok(await update(gA, { id: t.id, status: "PENDING" })).status).toBe("PENDING");
    expect(await update(gA, { id: t.id, status: "CLOSED" })).toMatchObject({ __typename: "ValidationError", field: "status" });
    const resolved = ok(await update(gA, { id: t.id, status: "RESOLVED" }));
    expect(resolved.resolvedAt).toBeTruthy();
    expect(await update(gA, { id: t.id, status: "PENDING" })).toMatchObject({ __typename: "ValidationError", field: "status" });
    const closed = ok(await update(gA, { id: t.id, status: "CLOSED" }));
    expect(closed.closedAt).toBeTruthy();
    for (const status of ["PENDING", "RESOLVED"]) {
      expect(await update(gA, { id: t.id, status })).toMatchObject({ __typename: "ValidationError", field: "status" });
    }
    const reopened = ok(await update(gA, { id: t.id, status: "OPEN" }));
    expect(reopened).toMatchObject({ status: "OPEN", resolvedAt: null, closedAt: null });
    // Setting the status it already has is not a change.
    expect(ok(await update(gA, { id: t.id, status: "OPEN" })).status).toBe("OPEN");

    const tenant = await app.services.directory.getTenant("tk-a");
    const audit = await app.services.scopes.forTenant(tenant.id).db.auditEvent.findMany({ where: { entityId: rowId(t.id) }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => [a.action, (a.before as { status: string } | null)?.status, (a.after as { status: string }).status])).toEqual([
      ["ticket.created", undefined, "OPEN"],
      ["ticket.status_changed", "OPEN", "PENDING"],
      ["ticket.status_changed", "PENDING", "RESOLVED"],
      ["ticket.status_changed", "RESOLVED", "CLOSED"],
      ["ticket.status_changed", "CLOSED", "OPEN"],
    ]);
  });

  it("allows exactly the documented status transitions; every other one is a ValidationError that writes nothing", async () => {
    // The life cycle plus what helpdesks do: resolve from OPEN, take PENDING back to OPEN, reopen RESOLVED/CLOSED.
    const allowed: Record<string, string[]> = { OPEN: ["PENDING", "RESOLVED"], PENDING: ["OPEN", "RESOLVED"], RESOLVED: ["CLOSED", "OPEN"], CLOSED: ["OPEN"] };
    const pathTo: Record<string, string[]> = { OPEN: [], PENDING: ["PENDING"], RESOLVED: ["RESOLVED"], CLOSED: ["RESOLVED", "CLOSED"] };
    const contact = await newContact(gA, "Tom Transition");
    for (const from of Object.keys(allowed)) {
      for (const to of Object.keys(allowed).filter((s) => s !== from)) {
        const t = await newTicket(gA, contact, { subject: `${from} to ${to}` });
        for (const step of pathTo[from]!) ok(await update(gA, { id: t.id, status: step }));
        const rowBefore = await ticketRow(app, "tk-a", t.id);
        const countsBefore = await rowCounts(app, "tk-a");
        const res = await update(gA, { id: t.id, status: to, priority: "URGENT" });
        if (allowed[from]!.includes(to)) {
          expect([from, to, res.__typename, res.data?.status]).toEqual([from, to, "UpdateTicketSuccess", to]);
        } else {
          expect([from, to, res.__typename, res.field]).toEqual([from, to, "ValidationError", "status"]);
          expect(res.message).toBe(`A ticket in status ${from} cannot become ${to}; from ${from} it can become ${allowed[from]!.join(" or ")}.`);
          expect(await ticketRow(app, "tk-a", t.id)).toEqual(rowBefore);
          expect(await rowCounts(app, "tk-a")).toEqual(countsBefore);
        }
      }
    }
    // The API documents the same table, in the input and on its status field.
    const doc = await gA(`{ __type(name: "UpdateTicketInput") { description inputFields { name description } } }`);
    const table = "OPEN → PENDING or RESOLVED; PENDING → OPEN or RESOLVED; RESOLVED → CLOSED or OPEN; CLOSED → OPEN";
    expect(doc.data.__type.description).toContain(`Allowed status changes: ${table}.`);
    const statusDoc = doc.data.__type.inputFields.find((f: any) => f.name === "status").description;
    expect(statusDoc).toContain(`Allowed changes: ${table}.`);
    expect(statusDoc).toMatch(/OPEN → CLOSED, CLOSED → PENDING\) is a ValidationError on `status`/);
  });

  it("refuses an empty assigneeId with a ValidationError on assigneeId, writing nothing; null unassigns", async () => {
    const t = await newTicket(gA, await newContact(gA, "Erin Empty"));
    expect(ok(await update(gA, { id: t.id, assigneeId: agentId })).assignee).toEqual({ email: "agent@tk.test" });
    const rowBefore = await ticketRow(app, "tk-a", t.id);
    const countsBefore = await rowCounts(app, "tk-a");
    for (const assigneeId of ["", "   "]) {
      const res = await update(gA, { id: t.id, assigneeId, status: "PENDING" });
      expect([JSON.stringify(assigneeId), res.__typename, res.field]).toEqual([JSON.stringify(assigneeId), "ValidationError", "assigneeId"]);
      expect(res.message).toMatch(/null to unassign/);
    }
    expect(await ticketRow(app, "tk-a", t.id)).toEqual(rowBefore);
    expect(await rowCounts(app, "tk-a")).toEqual(countsBefore);
    const unassigned = ok(await update(gA, { id: t.id, assigneeId: null }));
    expect(unassigned.assignee).toBeNull();
    expect((await ticketRow(app, "tk-a", t.id)).assigneeId).toBeNull();
  });

  it("recomputes due times when the priority changes, and reopening starts a new resolution clock", async () => {
    const t = await newTicket(gA, await newContact(gA, "Pia Priority"), { priority: "LOW" });
    const fields = `createdAt firstResponseDueAt resolutionDueAt priority`;
    const high = ok(await update(gA, { id: t.id, priority: "HIGH" }, fields));
    expect(Date.parse(high.firstResponseDueAt) - Date.parse(high.createdAt)).toBe(30 * MINUTE);
    expect(Date.parse(high.resolutionDueAt) - Date.parse(high.createdAt)).toBe(240 * MINUTE);
    ok(await update(gA, { id: t.id, status: "RESOLVED" }));
    const reopened = ok(await update(gA, { id: t.id, status: "OPEN" }, `resolutionDueAt updatedAt`));
    expect(Date.parse(reopened.resolutionDueAt) - Date.parse(reopened.updatedAt)).toBeGreaterThan(239 * MINUTE);
    const bad = await gA(`mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { __typename } }`, { i: { id: t.id, priority: "SOON" } });
    expect(bad.errors?.[0]?.message).toMatch(/SOON/);
  });

  it("counts the resolution due time from the reopening when the priority changes after a reopen", async () => {
    const t = await newTicket(gA, await newContact(gA, "Rita Reopen"), { priority: "LOW" });
    // Opened ten hours ago, resolved, and reopened now: the new resolution clock starts now.
    await setTicket("tk-a", t.id, { createdAt: new Date(Date.now() - 600 * MINUTE) });
    ok(await update(gA, { id: t.id, status: "RESOLVED" }));
    const fields = "createdAt reopenedAt firstResponseDueAt resolutionDueAt resolutionBreached";
    const reopened = ok(await update(gA, { id: t.id, status: "OPEN" }, fields));
    expect(Date.parse(reopened.resolutionDueAt) - Date.parse(reopened.reopenedAt)).toBe(4320 * MINUTE);
    const high = ok(await update(gA, { id: t.id, priority: "HIGH" }, fields));
    expect(high.reopenedAt).toBe(reopened.reopenedAt);
    expect(Date.parse(high.resolutionDueAt) - Date.parse(high.reopenedAt)).toBe(240 * MINUTE); // not 240 minutes after createdAt: 6 hours ago
    expect(high.resolutionBreached).toBe(false);
    // The first-response clock still runs from the ticket's creation (nobody answered).
    expect(Date.parse(high.firstResponseDueAt) - Date.parse(high.createdAt)).toBe(30 * MINUTE);
    // A customer's message reopens the same way.
    ok(await update(gA, { id: t.id, status: "RESOLVED" }));
    ok(await mutate(gA, "addCustomerMessage", "AddCustomerMessageInput", { ticketId: t.id, body: "Still broken." }));
    const again = ok(await update(gA, { id: t.id, priority: "URGENT" }, fields));
    expect(Date.parse(again.reopenedAt)).toBeGreaterThanOrEqual(Date.parse(high.reopenedAt));
    expect(Date.parse(again.resolutionDueAt) - Date.parse(again.reopenedAt)).toBe(60 * MINUTE);
  });

  it("orders by DUE on the earliest running due time: first response while unanswered, else resolution; finished tickets last", async () => {
    await app.services.directory.createTenant({
      slug: "tk-due",
      name: "Due",
      settings: { slaPolicy: SHORT_SLA },
    });
    const keyD = await app.apiKey("tk-due", ["FRONT_READ", "FRONT_WRITE"]);
    const gD: Gql = (q, v) => app.gql(q, v, app.as(keyD));
    const contact = await newContact(gD, "Dan Due");
    const make = async (subject: string, priority: string, answered: boolean) => {
      const t = await newTicket(gD, contact, { subject, priority });
      if (answered) ok(await mutate(gD, "reply", "ReplyInput", { ticketId: t.id, body: "On it." }));
      return t;
    };
    await make("urgent, unanswered: due in 10 min", "URGENT", false);
    await make("normal, answered: due in 1440 min", "NORMAL", true);
    await make("high, answered: due in 240 min", "HIGH", true);
    await make("low, unanswered: due in 480 min", "LOW", false);
    await make("normal, unanswered: due in 120 min", "NORMAL", false);
    const resolved = await make("urgent, resolved: nothing due", "URGENT", false);
    ok(await update(gD, { id: resolved.id, status: "RESOLVED" }));

    const ascending = [
      "urgent, unanswered: due in 10 min",
      "normal, unanswered: due in 120 min",
      "high, answered: due in 240 min",
      "low, unanswered: due in 480 min",
      "normal, answered: due in 1440 min",
      "urgent, resolved: nothing due",
    ];
    const descending = [...ascending.slice(0, 5).reverse(), ascending[5]];
    const list = async (direction: string) => {
      const res = await gD(`{ tickets(orderBy: {field: DUE, direction: ${direction}}) { edges { node { subject nextDueAt firstResponseDueAt resolutionDueAt } } } }`);
      return res.data.tickets.edges.map((e: any) => e.node);
    };
    const asc = await list("ASC");
    expect(asc.map((n: any) => n.subject)).toEqual(ascending);
    expect((await list("DESC")).map((n: any) => n.subject)).toEqual(descending);
    expect(asc[0].nextDueAt).toBe(asc[0].firstResponseDueAt);
    expect(asc[2].nextDueAt).toBe(asc[2].resolutionDueAt);
    expect(asc[5].nextDueAt).toBeNull();
    // Cursors page through the same order, across the tickets without a due time as well.
    for (const [direction, expected] of [["ASC", ascending], ["DESC", descending]] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const res: any = await gD(`query($a: String) { tickets(first: 2, after: $a, orderBy: {field: DUE, direction: ${direction}}) {
          pageInfo { hasNextPage endCursor } edges { node { subject } } } }`, { a: after });
        seen.push(...res.data.tickets.edges.map((e: any) => e.node.subject));
        after = res.data.tickets.pageInfo.hasNextPage ? res.data.tickets.pageInfo.endCursor : null;
      } while (after);
      expect([direction, seen]).toEqual([direction, expected]);
    }
    // The operator queue sorts by it by default.
    const operator = await app.operator("due@tk.test", { "tk-due": "AGENT" });
    const queue = await app.gql(`{ queue { edges { node { subject } } } }`, {}, app.as(operator));
    expect(queue.data.queue.edges.map((e: any) => e.node.subject)).toEqual(ascending.slice(0, 5));
  });

  it("flags SLA breaches: overdue without a response, and a response or resolution that came late", async () => {
    const keyS = await app.apiKey("tk-sla", ["FRONT_READ", "FRONT_WRITE"]);
    const gS: Gql = (q, v) => app.gql(q, v, app.as(keyS));
    const contact = await newContact(gS, "Sid SLA");
    const onTime = await newTicket(gS, contact, { subject: "On time" });
    const overdue = await newTicket(gS, contact, { subject: "Overdue" });
    const lateReply = await newTicket(gS, contact, { subject: "Late reply" });
    const pastDue = { firstResponseDueAt: new Date(Date.now() - 5 * MINUTE) };
    await setTicket("tk-sla", overdue.id, pastDue);
    await setTicket("tk-sla", lateReply.id, pastDue);
    ok(await mutate(gS, "reply", "ReplyInput", { ticketId: lateReply.id, body: "Sorry for the wait." }));
    ok(await mutate(gS, "reply", "ReplyInput", { ticketId: onTime.id, body: "Right away." }));

    const q = `query($b: Boolean!) { tickets(filter: {slaBreached: $b}, orderBy: {field: CREATED_AT, direction: ASC}) {
      totalCount edges { node { subject slaBreached firstResponseBreached resolutionBreached firstRespondedAt } } } }`;
    const breached = (await gS(q, { b: true })).data.tickets;
    expect(breached.edges.map((e: any) => e.node)).toEqual([
      { subject: "Overdue", slaBreached: true, firstResponseBreached: true, resolutionBreached: false, firstRespondedAt: null },
      { subject: "Late reply", slaBreached: true, firstResponseBreached: true, resolutionBreached: false, firstRespondedAt: expect.any(String) },
    ]);
    expect(breached.totalCount).toBe(2);
    const fine = (await gS(q, { b: false })).data.tickets;
    expect(fine.edges.map((e: any) => [e.node.subject, e.node.slaBreached])).toEqual([["On time", false]]);

    // Resolving after the resolution due time marks the resolution late, and it stays breached when closed.
    await setTicket("tk-sla", onTime.id, { resolutionDueAt: new Date(Date.now() - MINUTE) });
    ok(await update(gS, { id: onTime.id, status: "RESOLVED" }));
    ok(await update(gS, { id: onTime.id, status: "CLOSED" }));
    const late = await gS(`query($id: ID!) { node(id: $id) { ... on Ticket { slaBreached resolutionBreached } } }`, { id: onTime.id });
    expect(late.data.node).toEqual({ slaBreached: true, resolutionBreached: true });
  });

  it("assigns only to active operators with a front-office role in the tenant; another tenant's operator is refused", async () => {
    const t = await newTicket(gA, await newContact(gA, "Ann Assign"));
    expect(ok(await update(gA, { id: t.id, assigneeId: agentId })).assignee).toEqual({ email: "agent@tk.test" });
    const before = await ticketRow(app, "tk-a", t.id);
    for (const email of ["other-tenant@tk.test", "auditor@tk.test", "backoffice@tk.test"]) {
      const id = (await app.services.directory.getOperatorByEmail(email)).id;
      const res = await update(gA, { id: t.id, assigneeId: id, status: "PENDING" });
      expect([email, res.__typename, res.field]).toEqual([email, "ValidationError", "assigneeId"]);
    }
    expect((await update(gA, { id: t.id, assigneeId: "no-such-operator" })).__typename).toBe("ValidationError");
    expect(await ticketRow(app, "tk-a", t.id)).toEqual(before);
    // The message for a stranger and for a nobody is the same: no hint that the operator exists elsewhere.
    const stranger = await update(gA, { id: t.id, assigneeId: (await app.services.directory.getOperatorByEmail("other-tenant@tk.test")).id });
    const nobody = await update(gA, { id: t.id, assigneeId: "no-such-operator" });
    expect(stranger.message).toBe(nobody.message);
    expect(ok(await update(gA, { id: t.id, assigneeId: null })).assignee).toBeNull();
    // Assignment filters.
    ok(await update(gA, { id: t.id, assigneeId: agentId }));
    const mine = await gA(`query($a: ID!) { tickets(filter: {assigneeId: $a}) { edges { node { id } } } }`, { a: agentId });
    expect(mine.data.tickets.edges.map((e: any) => e.node.id)).toEqual([t.id]);
    const unassigned = await gA(`{ tickets(filter: {unassigned: true}, first: 100) { edges { node { id } } } }`);
    expect(unassigned.data.tickets.edges.map((e: any) => e.node.id)).not.toContain(t.id);
  });

  it("changes status, priority, assignee and tags in one update, with one audit event", async () => {
    const t = await newTicket(gA, await newContact(gA, "Max Multi"), { tags: ["old"] });
    const res = ok(await update(gA, { id: t.id, status: "PENDING", priority: "URGENT", assigneeId: agentId, tags: ["Refund", "vip"] }));
    expect(res).toMatchObject({ status: "PENDING", priority: "URGENT", assignee: { email: "agent@tk.test" }, tags: ["refund", "vip"] });
    const tenant = await app.services.directory.getTenant("tk-a");
    const audit = await app.services.scopes.forTenant(tenant.id).db.auditEvent.findMany({ where: { entityId: rowId(t.id) }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => a.action)).toEqual(["ticket.created", "ticket.updated"]);
    expect(audit[1]).toMatchObject({ before: { status: "OPEN", priority: "NORMAL", tags: ["old"] }, after: { status: "PENDING", priority: "URGENT", tags: ["refund", "vip"] } });
  });

  it("flags a hand-over to a person, and an operator's public reply clears it", async () => {
    const t = await newTicket(gA, await newContact(gA, "Hal Human"));
    ok(await update(gA, { id: t.id, status: "RESOLVED" }));
    const flagged = ok(await mutate(gA, "requestHuman", "RequestHumanInput", { ticketId: t.id }, "needsHuman status"));
    expect(flagged).toEqual({ needsHuman: true, status: "OPEN" });
    const waiting = await gA(`{ tickets(filter: {needsHuman: true}) { edges { node { id } } } }`);
    expect(waiting.data.tickets.edges.map((e: any) => e.node.id)).toContain(t.id);
    ok(await mutate(gA, "reply", "ReplyInput", { ticketId: t.id, body: "Note only", internal: true }));
    expect((await ticketRow(app, "tk-a", t.id)).needsHuman).toBe(true);
    ok(await mutate(gA, "reply", "ReplyInput", { ticketId: t.id, body: "I'm here, how can I help?" }));
    expect((await ticketRow(app, "tk-a", t.id)).needsHuman).toBe(false);
    ok(await mutate(gA, "requestHuman", "RequestHumanInput", { ticketId: t.id }));
    expect(ok(await update(gA, { id: t.id, needsHuman: false })).needsHuman).toBe(false);
  });

  it("lists with filters, text search, created range, tags and every order", async () => {
    const keyL = await app.apiKey("tk-list", ["FRONT_READ", "FRONT_WRITE"]);
    const gL: Gql = (q, v) => app.gql(q, v, app.as(keyL));
    const c1 = await newContact(gL, "Lia List");
    const c2 = await newContact(gL, "Leo List");
    const low = await newTicket(gL, c1, { subject: "Printer jam", priority: "LOW", tags: ["hardware"] });
    const urgent = await newTicket(gL, c2, { subject: "Site down", priority: "URGENT", body: "Error 502 everywhere" });
    const normal = await newTicket(gL, c1, { subject: "Password reset", priority: "NORMAL", tags: ["account", "hardware"] });
    ok(await update(gL, { id: low.id, status: "PENDING" }));
    const ids = async (args: string) => {
      const res = await gL(`{ tickets${args ? `(${args})` : ""} { totalCount edges { node { id } } } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data.tickets.totalCount).toBe(res.data.tickets.edges.length);
      return res.data.tickets.edges.map((e: any) => e.node.id);
    };
    expect(await ids(``)).toEqual([normal.id, urgent.id, low.id]); // newest first by default
    expect(await ids(`orderBy: {field: CREATED_AT, direction: ASC}`)).toEqual([low.id, urgent.id, normal.id]);
    expect(await ids(`orderBy: {field: PRIORITY, direction: DESC}`)).toEqual([urgent.id, normal.id, low.id]);
    expect(await ids(`orderBy: {field: DUE, direction: ASC}`)).toEqual([urgent.id, normal.id, low.id]);
    expect((await ids(`orderBy: {field: UPDATED_AT, direction: DESC}`))[0]).toBe(low.id);
    expect(await ids(`filter: {status: [PENDING]}`)).toEqual([low.id]);
    expect(await ids(`filter: {status: [OPEN], priority: [URGENT, LOW]}`)).toEqual([urgent.id]);
    expect(await ids(`filter: {tag: "Hardware"}, orderBy: {field: CREATED_AT, direction: ASC}`)).toEqual([low.id, normal.id]);
    expect(await ids(`filter: {search: "502"}`)).toEqual([urgent.id]); // a word of the thread
    expect(await ids(`filter: {search: "password RESET"}`)).toEqual([normal.id]);
    const c1Id = await gL(`query($c: ID!) { tickets(filter: {contactId: $c}, orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { id } } } }`, { c: c1 });
    expect(c1Id.data.tickets.edges.map((e: any) => e.node.id)).toEqual([low.id, normal.id]);
    const future = new Date(Date.now() + 60_000).toISOString();
    const past = new Date(Date.now() - 60 * 60_000).toISOString();
    expect(await ids(`filter: {createdAfter: "${future}"}`)).toEqual([]);
    expect((await ids(`filter: {createdAfter: "${past}", createdBefore: "${future}"}`)).length).toBe(3);
  });

  it("pages with cursors; page sizes default to 20 and above 100 are refused with a clear error", async () => {
    const keyP = await app.apiKey("tk-page", ["FRONT_READ", "FRONT_WRITE"]);
    const gP: Gql = (q, v) => app.gql(q, v, app.as(keyP));
    const contact = await newContact(gP, "Pat Page");
    for (let i = 0; i < 23; i++) await newTicket(gP, contact, { subject: `Page ${i}` });
    const first = await gP(`{ tickets { totalCount pageInfo { hasNextPage endCursor } edges { node { number } } } }`);
    expect(first.data.tickets.totalCount).toBe(23);
    expect(first.data.tickets.edges).toHaveLength(20);
    const rest = await gP(`query($c: String!) { tickets(after: $c) { pageInfo { hasNextPage } edges { node { number } } } }`, { c: first.data.tickets.pageInfo.endCursor });
    expect(rest.data.tickets.edges.map((e: any) => e.node.number)).toEqual([3, 2, 1]);
    expect(rest.data.tickets.pageInfo.hasNextPage).toBe(false);
    const last = await gP(`{ tickets(last: 2) { edges { node { number } } } }`);
    expect(last.data.tickets.edges.map((e: any) => e.node.number)).toEqual([2, 1]);

    for (const args of ["first: 101", "last: 500"]) {
      const big = await gP(`{ tickets(${args}) { totalCount edges { node { id } } } }`);
      expect(big.data).toBeNull();
      expect(big.errors?.[0]?.message).toMatch(/must be between 0 and 100; got -?\d+\. Page through larger lists with cursors\./);
      expect(big.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
    expect((await gP(`{ tickets(first: -1) { totalCount } }`)).errors?.[0]?.message).toMatch(/"first" must be a non-negative integer/);
    const nested = await gP(`{ tickets(first: 1) { edges { node { messages(last: 101) { totalCount } } } } }`);
    expect(nested.errors?.[0]?.message).toMatch(/`last` must be between 0 and 100/);
    expect((await gP(`{ tickets(first: 100) { edges { node { id } } } }`)).data.tickets.edges).toHaveLength(23);
  });

  it("reads the whole thread in order, or the latest messages with last", async () => {
    const t = await newTicket(gA, await newContact(gA, "Tia Thread"), { body: "one" });
    for (const body of ["two", "three", "four"]) ok(await mutate(gA, "addCustomerMessage", "AddCustomerMessageInput", { ticketId: t.id, body }));
    const q = `query($id: ID!, $last: Int) { node(id: $id) { ... on Ticket { messages(last: $last) { totalCount edges { node { body author } } } } } }`;
    const all = (await gA(q, { id: t.id })).data.node.messages;
    expect(all.totalCount).toBe(4);
    expect(all.edges.map((e: any) => e.node.body)).toEqual(["one", "two", "three", "four"]);
    expect((await gA(q, { id: t.id, last: 2 })).data.node.messages.edges.map((e: any) => e.node.body)).toEqual(["three", "four"]);
  });

  it.each(["AUDITOR", "BACK_OFFICE"])("lets an %s read tickets but change nothing", async (role) => {
    const t = await newTicket(gA, await newContact(gA, "Audrey"));
    const as = role === "AUDITOR" ? app.as(auditor, "tk-a") : app.as(await app.services.auth.login("backoffice@tk.test", TEST_PASSWORD).then((l) => l.token), "tk-a");
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Ticket { subject } } tickets { totalCount } }`, { id: t.id }, as);
    expect(read.errors).toBeUndefined();
    expect(read.data.node.subject).toBe("Router is down");
    const before = await rowCounts(app, "tk-a");
    for (const [field, q, v] of [
      ["updateTicket", `mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { __typename ... on Error { message } } }`, { i: { id: t.id, status: "PENDING" } }],
      ["reply", `mutation($i: ReplyInput!) { reply(input: $i) { __typename ... on Error { message } } }`, { i: { ticketId: t.id, body: "hi" } }],
      ["requestHuman", `mutation($i: RequestHumanInput!) { requestHuman(input: $i) { __typename ... on Error { message } } }`, { i: { ticketId: t.id } }],
    ] as const) {
      // A refused mutation is a typed error in its payload, like every other refusal.
      const res = await app.gql(q, v, as);
      expect(res.errors).toBeUndefined();
      expect(res.data[field]).toEqual({ __typename: "ForbiddenError", message: "Your role or API key scopes do not allow this." });
    }
    expect(await rowCounts(app, "tk-a")).toEqual(before);
    // An agent may.
    const agentUpdate = await app.gql(`mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { __typename } }`, { i: { id: t.id, status: "PENDING" } }, app.as(agent, "tk-a"));
    expect(agentUpdate.data.updateTicket.__typename).toBe("UpdateTicketSuccess");
  });

  it("returns ForbiddenError as data for a refused mutation, writing nothing; a refused query stays a top-level FORBIDDEN", async () => {
    const contact = await newContact(gA, "Fay Forbidden");
    const readOnly = await app.apiKey("tk-a", ["FRONT_READ"]);
    const backOnly = await app.apiKey("tk-a", ["BACK_READ"]);
    const create = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { __typename ... on Error { message } } }`;
    const input = { i: { contactId: contact, subject: "Not allowed", body: "x" } };
    const before = await rowCounts(app, "tk-a");
    const byScope = await app.gql(create, input, app.as(readOnly));
    expect(byScope).toMatchObject({ status: 200, data: { createTicket: { __typename: "ForbiddenError", message: "Your role or API key scopes do not allow this." } } });
    expect(byScope.errors).toBeUndefined();
    const noTenant = await app.gql(create, input, app.as(agent));
    expect(noTenant.data.createTicket).toEqual({ __typename: "ForbiddenError", message: expect.stringMatching(/X-Tenant/) });
    expect(await rowCounts(app, "tk-a")).toEqual(before);
    // Queries are refused as a whole field, and a missing credential is refused before anything.
    const query = await app.gql(`{ tickets { totalCount } }`, {}, app.as(backOnly));
    expect(query.data).toBeNull();
    expect(query.errors?.[0]).toMatchObject({ message: "Your role or API key scopes do not allow this.", extensions: { code: "FORBIDDEN" } });
    expect((await app.gql(create, input)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    // Every mutation that needs a right offers ForbiddenError in its payload (login needs none).
    const types = await gA(`{ __schema { mutationType { fields { name type { ofType { name possibleTypes { name } } } } } } }`);
    const withoutForbidden = types.data.__schema.mutationType.fields
      .filter((f: any) => !f.type.ofType.possibleTypes?.some((t: any) => t.name === "ForbiddenError"))
      .map((f: any) => f.name);
    expect(withoutForbidden).toEqual(["login"]);
  });

  it("treats another tenant's tickets and contacts as not found in every query and mutation, writing nothing", async () => {
    const contactA = await newContact(gA, "Only A");
    const tA = await newTicket(gA, contactA, { subject: "A's secret", tags: ["secret"] });
    const beforeA = await rowCounts(app, "tk-a");
    const beforeB = await rowCounts(app, "tk-b");
    const rowBefore = await ticketRow(app, "tk-a", tA.id);

    const attempts: Record<string, Awaited<ReturnType<typeof mutate>>> = {
      createTicket: await mutate(gB, "createTicket", "CreateTicketInput", { contactId: contactA, subject: "x", body: "y" }),
      "updateTicket status": await update(gB, { id: tA.id, status: "PENDING" }),
      "updateTicket priority": await update(gB, { id: tA.id, priority: "URGENT" }),
      "updateTicket tags": await update(gB, { id: tA.id, tags: ["mine"] }),
      "updateTicket nothing": await update(gB, { id: tA.id }),
      requestHuman: await mutate(gB, "requestHuman", "RequestHumanInput", { ticketId: tA.id }),
      reply: await mutate(gB, "reply", "ReplyInput", { ticketId: tA.id, body: "hi" }),
      addCustomerMessage: await mutate(gB, "addCustomerMessage", "AddCustomerMessageInput", { ticketId: tA.id, body: "hi" }),
    };
    for (const [name, res] of Object.entries(attempts)) expect([name, res.__typename]).toEqual([name, "NotFoundError"]);
    // Assigning B's own agent to A's ticket: still not found (the ticket is checked in B's tenant).
    const bAgent = (await app.services.directory.getOperatorByEmail("other-tenant@tk.test")).id;
    expect((await update(gB, { id: tA.id, assigneeId: bAgent })).__typename).toBe("NotFoundError");

    expect((await gB(`query($id: ID!) { node(id: $id) { id } }`, { id: tA.id })).data.node).toBeNull();
    expect((await gB(`query($c: ID!) { tickets(filter: {contactId: $c}) { totalCount } }`, { c: contactA })).data.tickets.totalCount).toBe(0);
    expect((await gB(`{ tickets(filter: {tag: "secret"}) { totalCount } }`)).data.tickets.totalCount).toBe(0);
    expect((await gB(`{ tickets(filter: {search: "secret"}) { totalCount } }`)).data.tickets.totalCount).toBe(0);
    const bNumbers = (await gB(`{ tickets(first: 100) { edges { node { number subject } } } }`)).data.tickets.edges.map((e: any) => e.node.subject);
    expect(bNumbers).not.toContain("A's secret");
    expect((await gB(`query($n: Int!) { ticketByNumber(number: $n) { subject } }`, { n: tA.number })).data.ticketByNumber?.subject).not.toBe("A's secret");

    expect(await rowCounts(app, "tk-a")).toEqual(beforeA);
    expect(await rowCounts(app, "tk-b")).toEqual(beforeB);
    expect(await ticketRow(app, "tk-a", tA.id)).toEqual(rowBefore);
  });

  it("answers malformed and wrong-typed ids with a validation error on the field", async () => {
    const contact = await newContact(gA, "Ida Id");
    expect(await update(gA, { id: "%%%" })).toMatchObject({ __typename: "ValidationError", field: "id" });
    expect(await update(gA, { id: contact })).toMatchObject({ __typename: "ValidationError", field: "id" });
    expect(await mutate(gA, "reply", "ReplyInput", { ticketId: contact, body: "x" })).toMatchObject({ __typename: "ValidationError", field: "ticketId" });
    const filter = await gA(`{ tickets(filter: {contactId: "bm9wZQ"}) { totalCount } }`);
    expect(filter.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.contactId" });
    const missing = Buffer.from("Ticket:does-not-exist").toString("base64");
    expect(await update(gA, { id: missing })).toMatchObject({ __typename: "NotFoundError" });
  });
});
