// The operator queue: one list over every tenant where the operator is OWNER, ADMIN
// or AGENT — never a tenant where they are BACK_OFFICE or AUDITOR, or not a member.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { mutate, newContact, newTicket, ok, rowId, type Gql, type NewTicket } from "./front-office-support.js";

describe(`operator queue (${ENGINE})`, () => {
  let app: TestApp;
  let multi: string; // AGENT in q-a, OWNER in q-b, BACK_OFFICE in q-c, AUDITOR in q-d
  let onlyB: string; // AGENT in q-b
  let noFront: string; // BACK_OFFICE in q-a
  let multiId: string;
  const keys: Record<string, Gql> = {};
  const tickets: Record<string, NewTicket[]> = {};

  const queue = (token: string, args = "", tenant?: string) =>
    app.gql(
      `{ queue${args ? `(${args})` : ""} { totalCount pageInfo { hasNextPage endCursor }
        edges { node { id number subject status priority needsHuman tenant { slug } contact { name } assignee { email } messages(last: 1) { edges { node { body } } } } } } }`,
      {},
      app.as(token, tenant),
    );
  const subjects = (res: Awaited<ReturnType<typeof queue>>) => res.data.queue.edges.map((e: any) => `${e.node.tenant.slug}:${e.node.subject}`).sort();

  beforeAll(async () => {
    app = await createTestApp();
    for (const slug of ["q-a", "q-b", "q-c", "q-d", "q-e"]) {
      const key = await app.apiKey(slug, ["FRONT_READ", "FRONT_WRITE"]);
      const g: Gql = (q, v) => app.gql(q, v, app.as(key));
      keys[slug] = g;
      const contact = await newContact(g, `Customer of ${slug}`);
      tickets[slug] = [
        await newTicket(g, contact, { subject: `${slug} normal` }),
        await newTicket(g, contact, { subject: `${slug} urgent`, priority: "URGENT" }),
      ];
    }
    multi = await app.operator("multi@q.test", { "q-a": "AGENT", "q-b": "OWNER", "q-c": "BACK_OFFICE", "q-d": "AUDITOR" });
    onlyB = await app.operator("onlyb@q.test", { "q-b": "AGENT" });
    noFront = await app.operator("nofront@q.test", { "q-a": "BACK_OFFICE" });
    multiId = (await app.services.directory.getOperatorByEmail("multi@q.test")).id;
  });
  afterAll(() => app?.close());

  it("lists open work from every tenant where the operator holds a front-office role, with the tenant on each ticket", async () => {
    const res = await queue(multi);
    expect(res.errors).toBeUndefined();
    expect(subjects(res)).toEqual(["q-a:q-a normal", "q-a:q-a urgent", "q-b:q-b normal", "q-b:q-b urgent"]);
    expect(res.data.queue.totalCount).toBe(4);
    const first = res.data.queue.edges.find((e: any) => e.node.subject === "q-b normal").node;
    expect(first).toMatchObject({ tenant: { slug: "q-b" }, contact: { name: "Customer of q-b" }, messages: { edges: [{ node: { body: "Since this morning." } }] } });
    // Works the same with an X-Tenant header (the queue ignores it).
    expect(subjects(await queue(multi, "", "q-c"))).toEqual(subjects(res));
    expect(subjects(await queue(onlyB))).toEqual(["q-b:q-b normal", "q-b:q-b urgent"]);
    const empty = await queue(noFront);
    expect(empty.data.queue).toMatchObject({ totalCount: 0, edges: [] });
  });

  it("orders by due time by default (most urgent first) and pages across tenants", async () => {
    const all = await queue(multi);
    expect(all.data.queue.edges.slice(0, 2).map((e: any) => e.node.priority)).toEqual(["URGENT", "URGENT"]);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res = await queue(multi, `first: 3${after ? `, after: "${after}"` : ""}`);
      seen.push(...res.data.queue.edges.map((e: any) => e.node.id));
      expect(res.data.queue.totalCount).toBe(4);
      if (!res.data.queue.pageInfo.hasNextPage) break;
      after = res.data.queue.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.data.queue.edges.map((e: any) => e.node.id));
    expect((await queue(multi, "first: 101")).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("filters by tenant, status, priority, assigned-to-me, SLA breach and hand-over", async () => {
    expect(subjects(await queue(multi, `filter: {tenants: ["q-a"]}`))).toEqual(["q-a:q-a normal", "q-a:q-a urgent"]);
    const qbId = (await app.tenant("q-b")).id;
    expect(subjects(await queue(multi, `filter: {tenants: ["${qbId}"]}`))).toEqual(["q-b:q-b normal", "q-b:q-b urgent"]);
    expect(subjects(await queue(multi, `filter: {priority: [URGENT]}`))).toEqual(["q-a:q-a urgent", "q-b:q-b urgent"]);

    const [bNormal, bUrgent] = tickets["q-b"]!;
    const [aNormal] = tickets["q-a"]!;
    ok(await mutate(keys["q-b"]!, "updateTicket", "UpdateTicketInput", { id: bNormal!.id, assigneeId: multiId, status: "PENDING" }));
    ok(await mutate(keys["q-a"]!, "requestHuman", "RequestHumanInput", { ticketId: aNormal!.id }));
    ok(await mutate(keys["q-b"]!, "updateTicket", "UpdateTicketInput", { id: bUrgent!.id, status: "RESOLVED" }));

    const mine = await queue(multi, `filter: {assignedToMe: true}`);
    expect(mine.data.queue.edges.map((e: any) => [e.node.subject, e.node.status, e.node.assignee.email])).toEqual([["q-b normal", "PENDING", "multi@q.test"]]);
    expect(subjects(await queue(multi, `filter: {needsHuman: true}`))).toEqual(["q-a:q-a normal"]);
    expect(subjects(await queue(multi, `filter: {status: [RESOLVED]}`))).toEqual(["q-b:q-b urgent"]);
    expect(subjects(await queue(multi))).not.toContain("q-b:q-b urgent"); // default: OPEN and PENDING
    expect(subjects(await queue(multi, `filter: {priority: [URGENT]}`))).not.toContain("q-b:q-b urgent");
    expect(subjects(await queue(multi, `filter: {status: []}`))).toContain("q-b:q-b urgent");

    const qa = (await app.tenant("q-a")).id;
    await app.services.scopes
      .forTenant(qa)
      .tx((tx) => tx.ticket.update({ where: { tenantId_id: { tenantId: qa, id: rowId(tickets["q-a"]![1]!.id) } }, data: { firstResponseDueAt: new Date(Date.now() - 60_000) } }));
    expect(subjects(await queue(multi, `filter: {slaBreached: true}`))).toEqual(["q-a:q-a urgent"]);
  });

  it("refuses tenants the operator does not work tickets in, with the same answer whether they exist or not", async () => {
    const answers = [];
    for (const ref of ["q-c", "q-d", "q-e", "no-such-tenant"]) {
      const res = await queue(multi, `filter: {tenants: ["q-a", "${ref}"]}`);
      expect(res.data).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      answers.push(res.errors![0]!.message.replace(ref, "<ref>"));
    }
    expect(new Set(answers).size).toBe(1);
    // q-b's agent cannot reach q-a's tickets through the queue, nor through X-Tenant.
    expect((await queue(onlyB, `filter: {tenants: ["q-a"]}`)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await queue(onlyB, "", "q-a")).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("is for operators only: API keys and anonymous callers are refused", async () => {
    const key = await app.apiKey("q-a", ["FRONT_READ", "FRONT_WRITE"]);
    expect((await app.gql(`{ queue { totalCount } }`, {}, app.as(key))).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await app.gql(`{ queue { totalCount } }`)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("keeps the active tenant's own queries working next to the queue in one request", async () => {
    const res = await app.gql(
      `{ queue { totalCount } tickets(first: 5) { totalCount edges { node { tenant { slug } contact { name } } } } }`,
      {},
      app.as(multi, "q-c"),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.queue.totalCount).toBeGreaterThan(0);
    expect(res.data.tickets.edges.every((e: any) => e.node.tenant.slug === "q-c" && e.node.contact.name === "Customer of q-c")).toBe(true);
  });
});
