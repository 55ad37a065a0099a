// Front-office metrics through the API, against a month of tickets and ratings
// whose every figure is worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { mutate, newContact, newTicket, ok, rowId, type Gql } from "./front-office-support.js";

const at = (iso: string) => new Date(iso);

const QUERY = `query($from: DateTime!, $to: DateTime!) { metrics(from: $from, to: $to) {
  from to ticketsOpened ticketsResolved backlog { status count }
  csat { responses satisfied score } nps { responses promoters passives detractors score } ces { responses average }
  medianFirstResponseMinutes medianResolutionMinutes slaBreaches { firstResponse resolution } } }`;

describe(`metrics (${ENGINE})`, () => {
  let app: TestApp;
  let gA: Gql;
  let gB: Gql;

  /** January 2026 in tenant A: six tickets and a dozen ratings, some just outside the month. */
  async function seedJanuary(tenantId: string) {
    await app.services.scopes.forTenant(tenantId).tx(async (tx) => {
      const c = await tx.contact.create({ data: { tenantId, name: "Metric Customer" } });
      // Written the way the rules write them: a resolved ticket also has its resolution in TicketResolution.
      const ticket = async (number: number, data: Record<string, any>) => {
        const t = await tx.ticket.create({ data: { tenantId, number, subject: `T${number}`, channel: "API", contactId: c.id, ...data } as never });
        if (t.resolvedAt) {
          await tx.ticketResolution.create({
            data: { tenantId, ticketId: t.id, startedAt: t.createdAt, dueAt: t.resolutionDueAt, resolvedAt: t.resolvedAt, late: t.resolutionLate },
          });
        }
      };
      // T1: answered in 30 min, resolved in 240 min, both on time.
      await ticket(1, {
        createdAt: at("2026-01-05T10:00:00Z"), status: "RESOLVED",
        firstResponseDueAt: at("2026-01-05T11:00:00Z"), firstRespondedAt: at("2026-01-05T10:30:00Z"),
        resolutionDueAt: at("2026-01-06T10:00:00Z"), resolvedAt: at("2026-01-05T14:00:00Z"),
      });
      // T2: answered after 120 min (late), resolved after 2880 min (late), then closed.
      await ticket(2, {
        createdAt: at("2026-01-10T09:00:00Z"), status: "CLOSED", closedAt: at("2026-01-12T10:00:00Z"),
        firstResponseDueAt: at("2026-01-10T10:00:00Z"), firstRespondedAt: at("2026-01-10T11:00:00Z"), firstResponseLate: true,
        resolutionDueAt: at("2026-01-11T09:00:00Z"), resolvedAt: at("2026-01-12T09:00:00Z"), resolutionLate: true,
      });
      // T3: still open, never answered: both due times passed (two breaches).
      await ticket(3, { createdAt: at("2026-01-20T08:00:00Z"), firstResponseDueAt: at("2026-01-20T09:00:00Z"), resolutionDueAt: at("2026-01-21T08:00:00Z") });
      // T4: waiting on the customer, answered in 10 min, resolution overdue (one breach).
      await ticket(4, {
        createdAt: at("2026-01-25T12:00:00Z"), status: "PENDING",
        firstResponseDueAt: at("2026-01-25T13:00:00Z"), firstRespondedAt: at("2026-01-25T12:10:00Z"), resolutionDueAt: at("2026-01-26T12:00:00Z"),
      });
      // T5: opened in December, resolved on 2 January after 18720 min; its due times lie in December.
      await ticket(5, {
        createdAt: at("2025-12-20T00:00:00Z"), status: "RESOLVED",
        firstResponseDueAt: at("2025-12-20T04:00:00Z"), firstRespondedAt: at("2025-12-20T01:00:00Z"),
        resolutionDueAt: at("2025-12-21T00:00:00Z"), resolvedAt: at("2026-01-02T00:00:00Z"), resolutionLate: true,
      });
      // T6: opened in February: only in the (current) backlog.
      await ticket(6, { createdAt: at("2026-02-05T00:00:00Z"), firstResponseDueAt: at("2099-01-01T00:00:00Z"), resolutionDueAt: at("2099-01-01T00:00:00Z") });

      const rating = (kind: "CSAT" | "NPS" | "CES", score: number, createdAt: string) =>
        tx.feedback.create({ data: { tenantId, kind, score, contactId: c.id, createdAt: at(createdAt) } });
      for (const s of [5, 4, 2, 1]) await rating("CSAT", s, "2026-01-15T00:00:00Z");
      for (const s of [10, 9, 9, 7, 0]) await rating("NPS", s, "2026-01-16T00:00:00Z");
      for (const s of [2, 3, 5]) await rating("CES", s, "2026-01-17T00:00:00Z");
      await rating("CSAT", 1, "2026-02-01T00:00:00Z"); // the range's end is exclusive
      await rating("NPS", 0, "2025-12-31T23:59:59Z");
    });
  }

  beforeAll(async () => {
    app = await createTestApp();
    const keyA = await app.apiKey("mx-a", ["FRONT_READ"]);
    const keyB = await app.apiKey("mx-b", ["FRONT_READ", "FRONT_WRITE"]);
    gA = (q, v) => app.gql(q, v, app.as(keyA));
    gB = (q, v) => app.gql(q, v, app.as(keyB));
    await seedJanuary((await app.tenant("mx-a")).id);
  });
  afterAll(() => app?.close());

  it("computes every figure for the range", async () => {
    const res = await gA(QUERY, { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" });
    expect(res.errors).toBeUndefined();
    expect(res.data.metrics).toEqual({
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-02-01T00:00:00.000Z",
      ticketsOpened: 4, // T1–T4
      ticketsResolved: 3, // T1, T2, T5
      backlog: [
        { status: "OPEN", count: 2 }, // T3, T6 (as of now)
        { status: "PENDING", count: 1 }, // T4
      ],
      csat: { responses: 4, satisfied: 2, score: 50 },
      nps: { responses: 5, promoters: 3, passives: 1, detractors: 1, score: 40 },
      ces: { responses: 3, average: 3.3 },
      medianFirstResponseMinutes: 30, // 10, 30, 120
      medianResolutionMinutes: 2880, // 240, 2880, 18720
      slaBreaches: { firstResponse: 2, resolution: 3 }, // T2 late, T3 missing; T2 late, T3 and T4 overdue
    });
  });

  /** A tenant with its own API key, and a way to move a ticket's clocks (time passing) in its rows. */
  async function freshTenant(slug: string) {
    const key = await app.apiKey(slug, ["FRONT_READ", "FRONT_WRITE"]);
    const g: Gql = (q, v) => app.gql(q, v, app.as(key));
    const tenant = await app.tenant(slug);
    const setTicket = (globalId: string, data: Record<string, unknown>) =>
      app.services.scopes.forTenant(tenant.id).tx((tx) => tx.ticket.update({ where: { tenantId_id: { tenantId: tenant.id, id: rowId(globalId) } }, data }));
    return { g, tenant, setTicket };
  }
  const MINUTE = 60_000;
  const minutesFromNow = (m: number) => new Date(Date.now() + m * MINUTE);

  it("counts exactly the first-response breaches the tickets show", async () => {
    const { g, setTicket } = await freshTenant("mx-frt");
    const contact = await newContact(g, "Fran First");
    const update = (id: string, status: string) => mutate(g, "updateTicket", "UpdateTicketInput", { id, status });
    const answeredLate = await newTicket(g, contact, { subject: "answered late" });
    await setTicket(answeredLate.id, { firstResponseDueAt: minutesFromNow(-5) });
    ok(await mutate(g, "reply", "ReplyInput", { ticketId: answeredLate.id, body: "Sorry for the wait." }));
    // Resolved unanswered while its first response was not due yet; the due time has passed since.
    const resolvedInTime = await newTicket(g, contact, { subject: "resolved unanswered in time" });
    ok(await update(resolvedInTime.id, "RESOLVED"));
    await setTicket(resolvedInTime.id, { firstResponseDueAt: minutesFromNow(-5) });
    // Resolved unanswered after its first response was due: the clock stopped late.
    const resolvedLate = await newTicket(g, contact, { subject: "resolved unanswered late" });
    await setTicket(resolvedLate.id, { firstResponseDueAt: minutesFromNow(-5) });
    ok(await update(resolvedLate.id, "RESOLVED"));
    const overdue = await newTicket(g, contact, { subject: "open, overdue" });
    await setTicket(overdue.id, { firstResponseDueAt: minutesFromNow(-5) });
    const onTime = await newTicket(g, contact, { subject: "answered on time" });
    ok(await mutate(g, "reply", "ReplyInput", { ticketId: onTime.id, body: "Right away." }));

    const shown = await g(`{ tickets(first: 100, orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { subject firstResponseBreached slaBreached } } } }`);
    expect(shown.data.tickets.edges.map((e: any) => [e.node.subject, e.node.firstResponseBreached, e.node.slaBreached])).toEqual([
      ["answered late", true, true],
      ["resolved unanswered in time", false, false],
      ["resolved unanswered late", true, true],
      ["open, overdue", true, true],
      ["answered on time", false, false],
    ]);
    const filtered = await g(`{ tickets(filter: {slaBreached: true}) { totalCount } }`);
    const res = await g(QUERY, { from: minutesFromNow(-60).toISOString(), to: minutesFromNow(60).toISOString() });
    expect(res.data.metrics.slaBreaches).toEqual({ firstResponse: 3, resolution: 0 });
    expect(filtered.data.tickets.totalCount).toBe(3);
  });

  it("keeps a resolution, its time and its lateness in their period after the ticket is reopened", async () => {
    const { g, tenant, setTicket } = await freshTenant("mx-reopen");
    const t = await newTicket(g, await newContact(g, "Ray Reopen"));
    const from = minutesFromNow(-60).toISOString();
    await setTicket(t.id, { createdAt: minutesFromNow(-30), resolutionDueAt: minutesFromNow(-1) });
    ok(await mutate(g, "updateTicket", "UpdateTicketInput", { id: t.id, status: "RESOLVED" }));
    const to = new Date(Date.now() + 1).toISOString(); // just after the first resolution
    const figures = async () => {
      const m = (await g(QUERY, { from, to })).data.metrics;
      return { ticketsResolved: m.ticketsResolved, medianResolutionMinutes: m.medianResolutionMinutes, slaBreaches: m.slaBreaches };
    };
    const before = await figures();
    expect(before).toEqual({ ticketsResolved: 1, medianResolutionMinutes: 30, slaBreaches: { firstResponse: 0, resolution: 1 } });

    // The customer writes again (reopened), and the ticket is resolved again, on time, after `to`.
    await new Promise((r) => setTimeout(r, 5));
    ok(await mutate(g, "addCustomerMessage", "AddCustomerMessageInput", { ticketId: t.id, body: "It broke again." }));
    const reopened = await g(`query($id: ID!) { node(id: $id) { ... on Ticket { status resolvedAt resolutionBreached slaBreached } } }`, { id: t.id });
    expect(reopened.data.node).toEqual({ status: "OPEN", resolvedAt: null, resolutionBreached: true, slaBreached: true });
    ok(await mutate(g, "updateTicket", "UpdateTicketInput", { id: t.id, status: "RESOLVED" }));

    expect(await figures()).toEqual(before);
    const wide = (await g(QUERY, { from, to: minutesFromNow(60).toISOString() })).data.metrics;
    expect(wide.ticketsResolved).toBe(1); // one ticket, resolved twice
    expect(wide.slaBreaches.resolution).toBe(1); // the first resolution was late, the second was not
    const history = await app.services.scopes.forTenant(tenant.id).db.ticketResolution.findMany({ orderBy: { resolvedAt: "asc" } });
    expect(history.map((r) => r.late)).toEqual([true, false]);
  });

  it("gives empty figures, not errors or zeros that look like scores, for a quiet range", async () => {
    const res = await gA(QUERY, { from: "2025-06-01T00:00:00Z", to: "2025-07-01T00:00:00Z" });
    expect(res.data.metrics).toMatchObject({
      ticketsOpened: 0,
      ticketsResolved: 0,
      csat: { responses: 0, satisfied: 0, score: null },
      nps: { responses: 0, score: null },
      ces: { responses: 0, average: null },
      medianFirstResponseMinutes: null,
      medianResolutionMinutes: null,
      slaBreaches: { firstResponse: 0, resolution: 0 },
    });
  });

  it("refuses a backwards or over-long range with a clear error", async () => {
    const backwards = await gA(QUERY, { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" });
    expect(backwards.errors?.[0]).toMatchObject({ message: "The range must end after it starts.", extensions: { code: "BAD_USER_INPUT", field: "to" } });
    const long = await gA(QUERY, { from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "from" });
    const garbage = await gA(QUERY, { from: "last tuesday", to: "2026-01-01T00:00:00Z" });
    expect(garbage.errors?.[0]?.message).toMatch(/ISO 8601/);
  });

  it("counts only the active tenant's data", async () => {
    const res = await gB(QUERY, { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" });
    expect(res.data.metrics).toMatchObject({
      ticketsOpened: 0,
      ticketsResolved: 0,
      backlog: [{ status: "OPEN", count: 0 }, { status: "PENDING", count: 0 }],
      csat: { responses: 0 },
      nps: { responses: 0 },
      slaBreaches: { firstResponse: 0, resolution: 0 },
    });
    const anonymous = await app.gql(QUERY, { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
