// No N+1: the SQL statements a ticket list costs must not grow with the page size.
// Counted at the database driver (every statement the application sends, transaction
// control included), for `tickets(first: N) { contact, messages(last: 3), assignee }`
// with distinct contacts, several messages per ticket and several assignees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

const LIST = (n: number) => `{ tickets(first: ${n}, orderBy: {field: CREATED_AT, direction: ASC}) { totalCount edges { node {
  number contact { name email } assignee { email } messages(last: 3) { totalCount edges { node { body author } } } } } } }`;
const QUEUE = (n: number) => `{ queue(first: ${n}, orderBy: {field: CREATED_AT, direction: ASC}) { totalCount edges { node {
  number tenant { slug } contact { name } assignee { email } messages(last: 3) { edges { node { body } } } } } } }`;

describe(`statements per ticket list (${ENGINE})`, () => {
  let app: TestApp;
  let key: string;
  let operator: string;
  const agents = ["ann@np.test", "ben@np.test", "cy@np.test"];

  /** 60 tickets, each with its own contact and 4 messages, assigned round-robin to 3 agents (every 4th unassigned). */
  async function seed(slug: string, agentIds: string[]) {
    const tenant = await app.tenant(slug);
    await app.services.scopes.forTenant(tenant.id).tx(
      async (tx) => {
        for (let i = 1; i <= 60; i++) {
          const contact = await tx.contact.create({ data: { tenantId: tenant.id, name: `${slug} customer ${i}`, email: `c${i}@${slug}.test` } });
          await tx.ticket.create({
            data: {
              tenantId: tenant.id,
              number: i,
              subject: `Ticket ${i}`,
              channel: "API",
              contactId: contact.id,
              assigneeId: i % 4 === 0 ? null : agentIds[i % agentIds.length]!,
              createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
              messages: {
                create: [1, 2, 3, 4].map((m) => ({
                  author: m % 2 ? ("CONTACT" as const) : ("OPERATOR" as const),
                  body: `message ${m} of ${i}`,
                  createdAt: new Date(Date.UTC(2026, 0, 1, 1, i, m)),
                })),
              },
            },
          });
        }
      },
      { timeoutMs: 60_000 },
    );
  }

  async function statements(query: string, headers: Record<string, string>) {
    const before = app.services.database.stats.statements;
    const res = await app.gql(query, {}, headers);
    const used = app.services.database.stats.statements - before;
    expect(res.errors).toBeUndefined();
    return { used, data: res.data };
  }

  beforeAll(async () => {
    app = await createTestApp();
    for (const email of agents) await app.operator(email, { "np-a": "AGENT", "np-b": "AGENT" });
    const ids = await Promise.all(agents.map(async (e) => (await app.services.directory.getOperatorByEmail(e)).id));
    await seed("np-a", ids);
    await seed("np-b", ids);
    key = await app.apiKey("np-a", ["FRONT_READ"]);
    operator = await app.operator("lead@np.test", { "np-a": "AGENT", "np-b": "OWNER" });
  });
  afterAll(() => app?.close());

  it("tickets(first: 50) with contact, assignee and the last 3 messages costs the same statements as first: 5", async () => {
    for (const headers of [app.as(key), app.as(operator, "np-a")]) {
      await statements(LIST(1), headers); // warm-up: per-credential bookkeeping happens at most once a minute
      const small = await statements(LIST(5), headers);
      const large = await statements(LIST(50), headers);

      // The answer is complete, so the count is of real work.
      const edges = large.data.tickets.edges.map((e: any) => e.node);
      expect(edges).toHaveLength(50);
      expect(large.data.tickets.totalCount).toBe(60);
      expect(edges[0]).toEqual({
        number: 1,
        contact: { name: "np-a customer 1", email: "c1@np-a.test" },
        assignee: { email: "ben@np.test" },
        messages: { totalCount: 4, edges: [2, 3, 4].map((m) => ({ node: { body: `message ${m} of 1`, author: m % 2 ? "CONTACT" : "OPERATOR" } })) },
      });
      expect(new Set(edges.map((e: any) => e.assignee?.email ?? null))).toEqual(new Set([...agents, null]));
      expect(new Set(edges.map((e: any) => e.contact.name)).size).toBe(50);

      console.log(`${ENGINE}: statements for first 5 / first 50: ${small.used} / ${large.used}`);
      expect(large.used).toBe(small.used);
      // And it is a handful, not one per ticket: list + count + relations + one assignee look-up, with their transactions.
      expect(large.used).toBeLessThan(25);
    }
  });

  it("the cross-tenant queue does not grow with the page size either", async () => {
    await statements(QUEUE(1), app.as(operator));
    const small = await statements(QUEUE(5), app.as(operator));
    const large = await statements(QUEUE(60), app.as(operator));
    expect(large.data.queue.edges).toHaveLength(60);
    expect(new Set(large.data.queue.edges.map((e: any) => e.node.tenant.slug))).toEqual(new Set(["np-a", "np-b"]));
    expect(large.data.queue.edges.every((e: any) => e.node.messages.edges.length === 3)).toBe(true);
    expect(large.used).toBe(small.used);
  });
});
