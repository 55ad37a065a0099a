// What real customers and a real Telegram throw at the front desk: any Unicode, edits,
// media, groups, forged buttons, concurrent messages, a crash between acknowledgement
// and processing, Telegram refusing or rate-limiting sends, and long polling.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ENGINE } from "../support/app.js";
import { createHarness, from, nextUpdateId, textMessage, TOKEN_A, type Harness } from "./harness.js";

describe(`front desk under real-world input (${ENGINE})`, () => {
  let h: Harness;
  let scope: Harness["app"]["services"]["scopes"] extends { forTenant(id: string): infer S } ? S : never;
  let tenantId: string;
  beforeAll(async () => {
    h = await createHarness();
    tenantId = (await h.app.services.directory.getTenant("desk-a")).id;
    scope = h.app.services.scopes.forTenant(tenantId);
  });
  afterAll(() => h?.close());

  const contactOf = (user: number) => scope.db.contact.findFirstOrThrow({ where: { telegramUserId: BigInt(user) } });

  /** Makes a failed delivery due now (as if its back-off had passed), runs the sweep, and returns the delivery after it. */
  async function retryNow(deliveryId: string) {
    await scope.db.botDelivery.update({ where: { tenantId_id: { tenantId, id: deliveryId } }, data: { nextAttemptAt: new Date() } });
    await h.registry.sweep();
    await h.registry.drain();
    return scope.db.botDelivery.findFirstOrThrow({ where: { id: deliveryId } });
  }

  /** What the API shows about the delivery of each of the ticket's messages that has one: [body, chatDelivery]. */
  async function chatDeliveries(ticketId: string) {
    const key = await h.app.apiKey("desk-a", ["FRONT_READ"]);
    const res = await h.app.gql(
      `query($id: ID!) { node(id: $id) { ... on Ticket { messages(first: 20) { edges { node { body chatDelivery { status attempts lastError sentAt } } } } } } }`,
      { id: Buffer.from(`Ticket:${ticketId}`).toString("base64") },
      h.app.as(key),
    );
    expect(res.errors).toBeUndefined();
    return (res.data.node.messages.edges as { node: { body: string; chatDelivery: unknown } }[])
      .filter((e) => e.node.chatDelivery)
      .map((e) => [e.node.body, e.node.chatDelivery]);
  }

  /** An agent of tenant A replies to the ticket through GraphQL, as operators do. */
  async function operatorReply(email: string, ticketId: string, body: string) {
    const token = await h.app.operator(email, { "desk-a": "AGENT" });
    const gid = Buffer.from(`Ticket:${ticketId}`).toString("base64");
    const res = await h.app.gql(`mutation($i: ReplyInput!) { reply(input: $i) { __typename } }`, { i: { ticketId: gid, body } }, h.app.as(token, "desk-a"));
    expect(res.data.reply.__typename).toBe("ReplySuccess");
  }

  it("stores any Unicode a customer sends: NUL characters, lone surrogates, emoji, right-to-left text, the longest message", async () => {
    const user = 7001;
    await h.say(h.botA, user, "/new Broken\u0000 pipe \uD83D in the 🛁 — مرحبا");
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } }, include: { messages: true } });
    expect(ticket.messages[0]!.body).toBe("Broken pipe \uFFFD in the 🛁 — مرحبا");
    const longest = "ä".repeat(4096);
    const m = h.telegram.calls.length;
    await h.say(h.botA, user, longest);
    // Recorded in the case, and the bot answered without crashing.
    expect(await scope.db.message.count({ where: { ticketId: ticket.id, body: longest } })).toBe(1);
    expect(h.textsTo(h.botA, user, m).join("\n")).toMatch(/case #\d+/);
  });

  it("answers an edit with how to correct, and notes media in an open case so operators know", async () => {
    const user = 7002;
    let m = h.telegram.calls.length;
    await h.send(h.botA, { edited_message: { ...textMessage(user, "edited text"), edit_date: 1 } });
    expect(h.textsTo(h.botA, user, m)).toEqual(["I only see new messages, not edits. Please send the corrected text as a new message."]);

    m = h.telegram.calls.length;
    await h.send(h.botA, { message: { message_id: 1, date: 1, chat: { id: user, type: "private" }, from: from(user), voice: { file_id: "v", file_unique_id: "v", duration: 3 } } });
    expect(h.textsTo(h.botA, user, m)).toEqual(["I can't read voice messages. Please describe your question in words."]);

    await h.say(h.botA, user, "/new The boiler is leaking");
    m = h.telegram.calls.length;
    await h.send(h.botA, { message: { message_id: 2, date: 1, chat: { id: user, type: "private" }, from: from(user), photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }], caption: "the boiler" } });
    expect(h.textsTo(h.botA, user, m).join("\n")).toMatch(/noted in case #\d+ that you sent one/);
    const note = await scope.db.message.findFirstOrThrow({ where: { body: { contains: "sent a photo" } } });
    expect(note.body).toContain("the boiler");
  });

  it("keeps out of groups unless the tenant enables them, and never shows cases in a group", async () => {
    const group = { id: -1001, type: "supergroup", title: "Neighbours" };
    const inGroup = (user: number, text: string, entities?: object[]) => ({ message: { ...textMessage(user, text, group), ...(entities ? { entities } : {}) } });
    let m = h.telegram.calls.length;
    // Not addressed to the bot: silence.
    await h.send(h.botA, inGroup(7003, "how do I file a claim?"));
    expect(h.textsTo(h.botA, -1001, m)).toEqual([]);
    // Addressed, groups off: a pointer to the private chat.
    await h.send(h.botA, inGroup(7003, "@acme_desk_bot how do I file a claim?", [{ type: "mention", offset: 0, length: 14 }]));
    expect(h.textsTo(h.botA, -1001, m)).toEqual(["I only answer in private chats. Please write to me directly: @acme_desk_bot"]);

    await h.app.services.database.prisma.tenant.update({ where: { id: tenantId }, data: { settings: { bot: { groupsEnabled: true } } } });
    await h.registry.reload(h.botA.id);
    m = h.telegram.calls.length;
    await h.send(h.botA, inGroup(7003, "@acme_desk_bot how do I file a claim?", [{ type: "mention", offset: 0, length: 14 }]));
    expect(h.textsTo(h.botA, -1001, m).join("\n")).toMatch(/How to file a claim/);
    await h.send(h.botA, inGroup(7003, "/status@acme_desk_bot", [{ type: "bot_command", offset: 0, length: 21 }]));
    expect(h.textsTo(h.botA, -1001, m).at(-1)).toBe("Your cases are private: please write to me directly at @acme_desk_bot.");
    // A command for another bot in the same group is not ours.
    const before = h.telegram.calls.length;
    await h.send(h.botA, inGroup(7003, "/status@other_bot", [{ type: "bot_command", offset: 0, length: 17 }]));
    expect(h.textsTo(h.botA, -1001, before)).toEqual([]);
    // Nothing in a group opens a case or creates a contact with a chat to deliver to.
    expect(await scope.db.ticket.count({ where: { contact: { telegramUserId: 7003n } } })).toBe(0);
    await h.app.services.database.prisma.tenant.update({ where: { id: tenantId }, data: { settings: {} } });
    await h.registry.reload(h.botA.id);
  });

  it("answers every button tap, and a forged rating button for someone else's case records nothing", async () => {
    await h.say(h.botA, 7004, "/new My claim is stuck");
    const victim = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: 7004n } } });
    await scope.db.ticket.update({ where: { tenantId_id: { tenantId, id: victim.id } }, data: { status: "RESOLVED", resolvedAt: new Date() } });
    const m = h.telegram.calls.length;
    await h.tap(h.botA, 7005, `rate:CSAT:${victim.id}:1`);
    await h.tap(h.botA, 7004, "rate:CSAT:nonsense:9");
    await h.tap(h.botA, 7004, "some-old-button");
    await h.tap(h.botA, 7004, `rate:CSAT:${victim.id}:9`);
    // The customer's own case, but NPS is not asked in this tenant: a made-up button.
    await h.tap(h.botA, 7004, `rate:NPS:${victim.id}:10`);
    const answers = h.telegram.calls.slice(m).filter((c) => c.method === "answerCallbackQuery");
    expect(answers).toHaveLength(5);
    expect(answers.map((a) => a.params.text ?? null)).toEqual([
      "This rating is no longer available.",
      "This rating is no longer available.",
      null,
      "This rating is no longer available.",
      "This rating is no longer available.",
    ]);
    expect(await scope.db.feedback.count({ where: { ticketId: victim.id } })).toBe(0);
  });

  it("processes one chat's messages in the order they were sent, even when they arrive at once", async () => {
    const user = 7006;
    await h.say(h.botA, user, "/new Order test");
    const updates = Array.from({ length: 6 }, (_, i) => ({ update_id: nextUpdateId(), message: textMessage(user, `detail ${i + 1}`) }));
    expect(await Promise.all(updates.map((u) => h.post(h.botA, u)))).toEqual(updates.map(() => 200));
    await h.registry.drain();
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } } });
    const bodies = (await scope.db.message.findMany({ where: { ticketId: ticket.id, author: "CONTACT" }, orderBy: { createdAt: "asc" } })).map((x) => x.body);
    expect(bodies.filter((b) => b.startsWith("detail"))).toEqual(["detail 1", "detail 2", "detail 3", "detail 4", "detail 5", "detail 6"]);
  });

  it("takes up an update that was acknowledged but not processed (a crash in between)", async () => {
    const user = 7007;
    const update = { update_id: nextUpdateId(), message: textMessage(user, "/new Recovered after a crash") };
    // What the webhook stored before the process died.
    await scope.db.botUpdate.create({ data: { tenantId, botId: h.botA.id, updateId: BigInt(update.update_id), chatId: BigInt(user), payload: update, claimedAt: new Date(Date.now() - 10 * 60_000), attempts: 1 } });
    await h.registry.sweep();
    await h.registry.drain();
    const contact = await contactOf(user);
    expect(await scope.db.ticket.count({ where: { contactId: contact.id, subject: "Recovered after a crash" } })).toBe(1);
    const row = await scope.db.botUpdate.findFirstOrThrow({ where: { updateId: BigInt(update.update_id) } });
    expect(row.processedAt).not.toBeNull();
    expect(row.payload).toBeNull();
    // Telegram redelivers it: recognised, nothing done twice.
    expect(await h.post(h.botA, update)).toBe(200);
    await h.registry.sweep();
    await h.registry.drain();
    expect(await scope.db.ticket.count({ where: { contactId: contact.id } })).toBe(1);
  });

  it("keeps an operator's reply that Telegram rate-limits past its retries, and sends it once later", async () => {
    const user = 7008;
    await h.say(h.botA, user, "/new Please call me");
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } } });
    // auto-retry tries 3 more times; the fourth refusal reaches the outbox.
    h.telegram.failNext("sendMessage", 429, 0, 4);
    await operatorReply("ops7008@desk.test", ticket.id, "We will call you at 3pm.");
    await h.registry.drain();
    let delivery = await scope.db.botDelivery.findFirstOrThrow({ where: { ticketId: ticket.id, kind: "reply" } });
    expect(delivery).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(delivery.lastError).toMatch(/Too Many Requests/);
    // Due again (the back-off has passed): the sweep sends it.
    const m = h.telegram.calls.length;
    delivery = await retryNow(delivery.id);
    expect(delivery.status).toBe("SENT");
    expect(h.textsTo(h.botA, user, m)).toEqual([`Reply from our team on case #${ticket.number}:\n\nWe will call you at 3pm.`]);
    // A later sweep sends nothing again.
    await h.registry.sweep();
    await h.registry.drain();
    expect(h.textsTo(h.botA, user, m)).toHaveLength(1);
  });

  it("stops trying a chat whose customer blocked the bot, and records why", async () => {
    const user = 7009;
    await h.say(h.botA, user, "/new Blocked later");
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } } });
    h.telegram.block(user);
    await operatorReply("ops7009@desk.test", ticket.id, "Hello?");
    await h.registry.drain();
    const delivery = await scope.db.botDelivery.findFirstOrThrow({ where: { ticketId: ticket.id, kind: "reply" } });
    expect(delivery.status).toBe("FAILED");
    expect(delivery.lastError).toMatch(/blocked by the user/);
    const m = h.telegram.calls.length;
    await retryNow(delivery.id);
    expect(h.telegram.calls.slice(m).filter((c) => c.method === "sendMessage")).toEqual([]);
    // Operators see it on the reply: the customer did not get it, and why.
    expect(await chatDeliveries(ticket.id)).toEqual([
      ["Hello?", { status: "FAILED", attempts: 6, lastError: expect.stringMatching(/blocked by the user/), sentAt: null }],
    ]);
  });

  it("opens one case when Telegram refuses the answer past its retries: the update counts as handled, never redone", async () => {
    const user = 7010;
    // The confirmation and the apology after it, each with auto-retry's three retries.
    h.telegram.failNext("sendMessage", 429, 0, 8, (p) => Number(p.chat_id) === user);
    await h.say(h.botA, user, "/new Printer on fire");
    await h.registry.sweep();
    await h.registry.drain();
    expect(await scope.db.ticket.count({ where: { contact: { telegramUserId: BigInt(user) } } })).toBe(1);
    const stored = await scope.db.botUpdate.findMany({ where: { botId: h.botA.id, chatId: BigInt(user) } });
    expect(stored.map((u) => [u.attempts, u.processedAt !== null])).toEqual([[1, true]]);
  });

  it("does not wait on a Telegram it cannot reach: the turn ends, and the outbox sends the reply once it is back", async () => {
    const user = 7011;
    h.telegram.failNext("sendMessage", 0, undefined, 2, (p) => Number(p.chat_id) === user);
    await h.say(h.botA, user, "/new Network trouble");
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } } });
    h.telegram.failNext("sendMessage", 0, undefined, 1, (p) => Number(p.chat_id) === user);
    await operatorReply("ops7011@desk.test", ticket.id, "Back online?");
    await h.registry.drain();
    let delivery = await scope.db.botDelivery.findFirstOrThrow({ where: { ticketId: ticket.id, kind: "reply" } });
    expect(delivery).toMatchObject({ status: "FAILED", attempts: 1 });
    const m = h.telegram.calls.length;
    delivery = await retryNow(delivery.id);
    expect(delivery.status).toBe("SENT");
    expect(h.textsTo(h.botA, user, m)).toEqual([`Reply from our team on case #${ticket.number}:\n\nBack online?`]);
    const [[body, shown]] = (await chatDeliveries(ticket.id)) as [[string, Record<string, unknown>]];
    expect([body, shown.status, shown.attempts, typeof shown.sentAt]).toEqual(["Back online?", "SENT", 2, "string"]);
  });

  it("goes on from the part that failed when a long reply is sent again, never repeating the parts already sent", async () => {
    const user = 7012;
    await h.say(h.botA, user, "/new Send me the whole policy");
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } } });
    const body = ["a", "b", "c"].map((ch) => ch.repeat(3000)).join("\n\n");
    // The second part is refused past auto-retry's retries.
    h.telegram.failNext("sendMessage", 429, 0, 4, (p) => String(p.text).startsWith("b"));
    const m = h.telegram.calls.length;
    await operatorReply("ops7012@desk.test", ticket.id, body);
    await h.registry.drain();
    let delivery = await scope.db.botDelivery.findFirstOrThrow({ where: { ticketId: ticket.id, kind: "reply" } });
    expect(delivery).toMatchObject({ status: "FAILED", partsSent: 1 });
    delivery = await retryNow(delivery.id);
    expect(delivery).toMatchObject({ status: "SENT", partsSent: 3 });
    const sent = h.textsTo(h.botA, user, m);
    // Part one once; part two four times refused, then once more; part three once.
    expect(sent.map((t) => t.replace(/^Reply from our team on case #\d+:\n\n/, "").charAt(0))).toEqual(["a", "b", "b", "b", "b", "b", "c"]);
  });

  it("delivers a reply and a rating prompt whose outbox rows were never written (the process stopped in between), once", async () => {
    const user = 7013;
    await h.say(h.botA, user, "/new Where is my refund?");
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } } });
    // Committed while no bot heard of it: no event, no BotDelivery.
    const repliedAt = new Date(Date.now() - 60_000);
    const resolvedAt = new Date(Date.now() - 30_000);
    await scope.tx(async (tx) => {
      await tx.message.create({ data: { tenantId, ticketId: ticket.id, author: "OPERATOR", body: "Your refund is on its way.", createdAt: repliedAt } });
      await tx.message.create({ data: { tenantId, ticketId: ticket.id, author: "OPERATOR", body: "Internal: refund approved", internal: true, createdAt: repliedAt } });
      await tx.ticket.update({ where: { tenantId_id: { tenantId, id: ticket.id } }, data: { status: "RESOLVED", resolvedAt } });
      await tx.ticketResolution.create({ data: { tenantId, ticketId: ticket.id, startedAt: ticket.createdAt, resolvedAt, late: false } });
    });
    const m = h.telegram.calls.length;
    await h.registry.sweep({ catchUp: true });
    await h.registry.drain();
    expect(h.textsTo(h.botA, user, m)).toEqual([
      `Reply from our team on case #${ticket.number}:\n\nYour refund is on its way.`,
      `Case #${ticket.number} was marked as resolved. How satisfied are you with the help you got?`,
    ]);
    await h.registry.sweep({ catchUp: true });
    await h.registry.drain();
    expect(h.textsTo(h.botA, user, m)).toHaveLength(2);
  });

  it("forgets processed updates after two days, keeping newer ones and those not processed", async () => {
    const old = new Date(Date.now() - 3 * 24 * 60 * 60_000);
    const rows = await Promise.all(
      [
        { updateId: 990_001n, processedAt: old },
        { updateId: 990_002n, processedAt: new Date() },
        { updateId: 990_003n, processedAt: null, attempts: 5, payload: { update_id: 990_003 } },
      ].map((data) => scope.db.botUpdate.create({ data: { tenantId, botId: h.botA.id, chatId: 7014n, ...data } })),
    );
    await h.registry.sweep({ catchUp: true });
    await h.registry.drain();
    const left = await scope.db.botUpdate.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { updateId: "asc" } });
    expect(left.map((u) => u.updateId)).toEqual([990_002n, 990_003n]);
  });

  it("refuses what is not a Telegram update, and answers other paths and methods clearly", async () => {
    expect(await h.post(h.botA, { hello: "world" })).toBe(400);
    expect(await h.post(h.botA, { update_id: -1 })).toBe(400);
    const res = await fetch(`${h.url}/telegram/${h.botA.id}`, { method: "GET" });
    expect(res.status).toBe(405);
    // A bot id nobody has: 401, and looked up once, not on every probe.
    const lookup = vi.spyOn(h.app.services.bots, "byId");
    for (let i = 0; i < 3; i++) {
      const unknown = await fetch(`${h.url}/telegram/nobot`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": h.botA.webhookSecret }, body: "{}" });
      expect(unknown.status).toBe(401);
    }
    expect(lookup.mock.calls.filter(([id]) => id === "nobot")).toHaveLength(1);
    lookup.mockRestore();
  });
});

describe(`front desk on long polling (${ENGINE})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ mode: "polling" });
  });
  afterAll(() => h?.close());

  it("takes updates from getUpdates, confirms them, and processes a repeated one once", async () => {
    const update = { update_id: nextUpdateId(), message: textMessage(7101, "/new From polling") };
    h.telegram.queueUpdate(TOKEN_A, update);
    const tenant = await h.app.services.directory.getTenant("desk-a");
    const scope = h.app.services.scopes.forTenant(tenant.id);
    await expect.poll(() => scope.db.ticket.count({ where: { subject: "From polling" } }), { timeout: 10_000 }).toBe(1);
    // The same update again (as after a restart that did not confirm the offset).
    h.telegram.queueUpdate(TOKEN_A, update);
    const later = { update_id: nextUpdateId(), message: textMessage(7101, "/status") };
    h.telegram.queueUpdate(TOKEN_A, later);
    await expect.poll(() => h.textsTo(h.botA, 7101).some((t) => t.startsWith("Your cases")), { timeout: 10_000 }).toBe(true);
    await h.registry.drain();
    expect(await scope.db.ticket.count({ where: { subject: "From polling" } })).toBe(1);
    expect(h.telegram.calls.some((c) => c.method === "deleteWebhook")).toBe(true);
    const polls = h.telegram.calls.filter((c) => c.method === "getUpdates");
    expect(polls.at(-1)!.params.offset).toBeGreaterThan(later.update_id);
  });
});
