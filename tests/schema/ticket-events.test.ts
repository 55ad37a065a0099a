// Live ticket events over SSE (the `ticketEvents` subscription): every kind of event
// reaches subscribers of the same tenant, never another tenant's; callers without a
// tenant or without front:read are refused before they are attached to anything;
// with Redis, events cross processes and stay tenant-isolated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventBus } from "../../src/domain/events.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";
import { REDIS_URL, redisReachable } from "../support/redis.js";
import { mutate, newContact, newTicket, ok, rowId, subscribe, type Gql, type SseSubscription } from "./front-office-support.js";

const SUBSCRIPTION = `subscription { ticketEvents { type at public ticket { id subject status } message { body internal } feedback { kind score } } }`;

const ofType = (type: string, subject?: string) => (p: SseSubscription["payloads"][number]) =>
  p.data?.ticketEvents?.type === type && (subject === undefined || p.data.ticketEvents.ticket?.subject === subject);

const REDIS_UP = await redisReachable();

describe(`ticket events (${ENGINE})`, () => {
  let app: TestApp;
  let gA: Gql;
  let gB: Gql;
  let keyA: string;
  let keyB: string;
  let agent: string; // AGENT in both tenants: isolation must follow X-Tenant, not the person

  beforeAll(async () => {
    app = await createTestApp();
    keyA = await app.apiKey("ev-a", ["FRONT_READ", "FRONT_WRITE"]);
    keyB = await app.apiKey("ev-b", ["FRONT_READ", "FRONT_WRITE"]);
    gA = (q, v) => app.gql(q, v, app.as(keyA));
    gB = (q, v) => app.gql(q, v, app.as(keyB));
    agent = await app.operator("agent@ev.test", { "ev-a": "AGENT", "ev-b": "AGENT" });
  });
  afterAll(() => app?.close());

  it("streams created, updated, message and feedback events to the tenant's subscribers and to no one else", async () => {
    const subs = {
      keyA: await subscribe(app, SUBSCRIPTION, app.as(keyA)),
      agentA: await subscribe(app, SUBSCRIPTION, app.as(agent, "ev-a")),
      keyB: await subscribe(app, SUBSCRIPTION, app.as(keyB)),
      agentB: await subscribe(app, SUBSCRIPTION, app.as(agent, "ev-b")),
    };
    try {
      // Warm-up: each subscriber is attached once it has seen an event of its own tenant.
      const contactA = await newContact(gA, "Liz Live");
      const contactB = await newContact(gB, "Bo Live");
      await newTicket(gA, contactA, { subject: "warm-up A" });
      await newTicket(gB, contactB, { subject: "warm-up B" });
      for (const [name, sub] of Object.entries(subs)) {
        const subject = name.endsWith("A") ? "warm-up A" : "warm-up B";
        expect([name, (await sub.waitFor(ofType("TICKET_CREATED", subject))).length]).toEqual([name, 1]);
      }

      const t = await newTicket(gA, contactA, { subject: "Live event" });
      ok(await mutate(gA, "updateTicket", "UpdateTicketInput", { id: t.id, status: "PENDING" }));
      await app.gql(`mutation($i: ReplyInput!) { reply(input: $i) { __typename } }`, { i: { ticketId: t.id, body: "Public reply" } }, app.as(agent, "ev-a"));
      await app.gql(`mutation($i: ReplyInput!) { reply(input: $i) { __typename } }`, { i: { ticketId: t.id, body: "Secret note", internal: true } }, app.as(agent, "ev-a"));
      ok(await mutate(gA, "recordFeedback", "RecordFeedbackInput", { kind: "CSAT", score: 5, ticketId: t.id }));
      // Barrier: B's own later event reaching B's subscribers means any leaked A event would have arrived before it.
      await newTicket(gB, contactB, { subject: "barrier B" });

      for (const name of ["keyA", "agentA"] as const) {
        const sub = subs[name];
        await sub.waitFor(ofType("FEEDBACK_RECEIVED"));
        const events = sub.payloads.map((p) => p.data?.ticketEvents).filter((e) => e?.ticket?.id === t.id);
        expect([name, events.map((e) => [e.type, e.public, e.message?.body ?? e.feedback?.kind ?? e.ticket.status])]).toEqual([
          name,
          [
            ["TICKET_CREATED", null, "OPEN"],
            ["TICKET_UPDATED", null, "PENDING"],
            ["MESSAGE_ADDED", true, "Public reply"],
            ["MESSAGE_ADDED", false, "Secret note"],
            ["FEEDBACK_RECEIVED", null, "CSAT"],
          ],
        ]);
        expect(Date.parse(events[0].at)).toBeGreaterThan(Date.now() - 60_000);
        expect(sub.payloads.every((p) => !p.errors)).toBe(true);
      }
      for (const name of ["keyB", "agentB"] as const) {
        const sub = subs[name];
        expect((await sub.waitFor(ofType("TICKET_CREATED", "barrier B"))).length).toBe(1);
        const seen = sub.payloads.map((p) => p.data?.ticketEvents?.ticket?.subject);
        expect([name, seen]).toEqual([name, ["warm-up B", "barrier B"]]);
      }
    } finally {
      await Promise.all(Object.values(subs).map((s) => s.stop()));
    }
  });

  it("masks an unexpected error while resolving an event, with the subscriber's request id, and keeps the stream open", async () => {
    const sub = await subscribe(app, SUBSCRIPTION, { ...app.as(keyA), "x-request-id": "sub-req-1" });
    try {
      const tenantId = (await app.services.directory.getTenant("ev-a")).id;
      const contact = await newContact(gA, "Mask Live");
      await newTicket(gA, contact, { subject: "before the broken event" });
      await sub.waitFor(ofType("TICKET_CREATED", "before the broken event"));
      // An event whose resolution fails in a way nobody planned for.
      const broken = { tenantId, ticketId: "none", at: new Date().toISOString() } as Record<string, unknown>;
      Object.defineProperty(broken, "type", { enumerable: true, get: () => { throw new Error("secret internal detail"); } });
      app.services.events.publish("ticket", tenantId, broken as never);
      const masked = await sub.waitFor((p) => !!p.errors);
      const error = masked.find((p) => p.errors)!.errors![0]!;
      expect(error.message).not.toMatch(/secret internal detail/);
      expect(error.extensions).toMatchObject({ code: "INTERNAL_SERVER_ERROR", requestId: "sub-req-1" });
      await newTicket(gA, contact, { subject: "after the broken event" });
      expect((await sub.waitFor(ofType("TICKET_CREATED", "after the broken event"))).length).toBe(1);
    } finally {
      await sub.stop();
    }
  });

  it("refuses a subscriber without credentials, without a tenant or without front:read, and ends the stream", async () => {
    const backOnly = await app.apiKey("ev-a", ["BACK_READ"]);
    const cases: [string, Record<string, string>, string][] = [
      ["anonymous", {}, "UNAUTHENTICATED"],
      ["operator without X-Tenant", app.as(agent), "FORBIDDEN"],
      ["key without front:read", app.as(backOnly), "FORBIDDEN"],
    ];
    for (const [name, headers, code] of cases) {
      const sub = await subscribe(app, SUBSCRIPTION, headers);
      try {
        const [refusal] = await sub.waitFor((p) => !!p.errors);
        expect([name, refusal?.errors?.[0]?.extensions?.code]).toEqual([name, code]);
        for (let i = 0; i < 100 && !sub.completed; i++) await new Promise((r) => setTimeout(r, 10));
        expect([name, sub.completed]).toEqual([name, true]);
      } finally {
        await sub.stop();
      }
    }
    // An operator naming a tenant they do not serve is refused before any stream starts.
    const stranger = await app.operator("stranger@ev.test", { "ev-b": "AGENT" });
    const res = await app.api.fetch("http://tandem.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...app.as(stranger, "ev-a") },
      body: JSON.stringify({ query: SUBSCRIPTION }),
    });
    expect(await res.text()).toContain("FORBIDDEN");
  });

  it.skipIf(!REDIS_UP)("with Redis, carries events between processes and keeps tenants apart", async () => {
    const redisApp = await createTestApp({ redisUrl: REDIS_URL });
    const otherProcess = createEventBus(REDIS_URL);
    try {
      const kA = await redisApp.apiKey("rd-a", ["FRONT_READ", "FRONT_WRITE"]);
      const kB = await redisApp.apiKey("rd-b", ["FRONT_READ", "FRONT_WRITE"]);
      const a = (await redisApp.tenant("rd-a")).id;
      const b = (await redisApp.tenant("rd-b")).id;
      const subA = await subscribe(redisApp, SUBSCRIPTION, redisApp.as(kA));
      const subB = await subscribe(redisApp, SUBSCRIPTION, redisApp.as(kB));
      try {
        const contact = await newContact((q, v) => redisApp.gql(q, v, redisApp.as(kA)), "Redis Rae");
        const t = await newTicket((q, v) => redisApp.gql(q, v, redisApp.as(kA)), contact, { subject: "Over Redis" });
        // Another process (the bot, a second API instance) publishes through its own connection.
        const bContact = await newContact((q, v) => redisApp.gql(q, v, redisApp.as(kB)), "Redis Bea");
        const tB = await newTicket((q, v) => redisApp.gql(q, v, redisApp.as(kB)), bContact, { subject: "B over Redis" });
        for (let i = 0; i < 3; i++) {
          otherProcess.publish("ticket", a, { type: "TICKET_UPDATED", tenantId: a, ticketId: rowId(t.id), at: new Date().toISOString() });
          await new Promise((r) => setTimeout(r, 50));
          if ((await subA.waitFor(ofType("TICKET_UPDATED"), 200)).length) break; // the subscriber may attach late
        }
        otherProcess.publish("ticket", b, { type: "TICKET_UPDATED", tenantId: b, ticketId: rowId(tB.id), at: new Date().toISOString() });
        expect((await subA.waitFor(ofType("TICKET_UPDATED", "Over Redis"))).length).toBeGreaterThan(0);
        expect((await subB.waitFor(ofType("TICKET_UPDATED", "B over Redis"))).length).toBe(1);
        expect(subA.payloads.map((p) => p.data?.ticketEvents?.ticket?.subject)).not.toContain("B over Redis");
        expect(subB.payloads.map((p) => p.data?.ticketEvents?.ticket?.subject)).not.toContain("Over Redis");
      } finally {
        await subA.stop();
        await subB.stop();
      }
    } finally {
      await otherProcess.close();
      await redisApp.close();
    }
  });
});
