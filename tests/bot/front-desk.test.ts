// End to end over real HTTP: Telegram (fake) → webhook → Tandem → Bot API (fake),
// operators' replies through GraphQL back to the chat, ratings into the database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE } from "../support/app.js";
import { createHarness, nextUpdateId, type Harness } from "./harness.js";

async function conversation(h: Harness, user: number) {
  const { botA, app } = h;
  const mark = () => h.telegram.calls.length;

  // 1. A knowledge-base question gets a cited answer.
  let m = mark();
  await h.say(botA, user, "How do I file a claim?");
  const kb = h.textsTo(botA, user, m).join("\n");
  expect(kb).toMatch(/How to file a claim/);
  expect(kb).toMatch(/0800 123 456/);

  // 2. Opening a case.
  m = mark();
  await h.say(botA, user, "/new My kitchen ceiling collapsed after a leak");
  const opened = h.textsTo(botA, user, m).join("\n");
  const number = Number(/case #(\d+)/.exec(opened)?.[1]);
  expect(number).toBeGreaterThan(0);
  const tenant = await app.services.directory.getTenant("desk-a");
  const scope = app.services.scopes.forTenant(tenant.id);
  const ticket = await scope.db.ticket.findFirstOrThrow({ where: { number }, include: { contact: true } });
  expect(ticket).toMatchObject({ channel: "TELEGRAM", status: "OPEN" });
  expect(ticket.contact.telegramUserId).toBe(BigInt(user));

  // Later messages go to the case's thread.
  await h.say(botA, user, "The water came from the flat above.");
  expect(await scope.db.message.count({ where: { ticketId: ticket.id, author: "CONTACT" } })).toBe(2);

  // 3. Status.
  m = mark();
  await h.say(botA, user, "/status");
  expect(h.textsTo(botA, user, m).join("\n")).toMatch(new RegExp(`#${number} .*open`));

  // 4. A person.
  m = mark();
  await h.say(botA, user, "I want to talk to a human");
  expect(h.textsTo(botA, user, m).join("\n")).toMatch(new RegExp(`I asked for a person from our team to take over case #${number}`));
  expect((await scope.db.ticket.findFirstOrThrow({ where: { id: ticket.id } })).needsHuman).toBe(true);

  // 5. An operator replies through GraphQL: public reply delivered, internal note not.
  const token = await app.operator(`op${user}@desk.test`, { "desk-a": "AGENT" });
  const gid = Buffer.from(`Ticket:${ticket.id}`).toString("base64");
  m = mark();
  await app.gql(`mutation($i: ReplyInput!) { reply(input: $i) { __typename } }`, { i: { ticketId: gid, body: "Internal: check the policy excess", internal: true } }, app.as(token, "desk-a"));
  const long = "We have booked a loss adjuster for Thursday. ".repeat(120);
  await app.gql(`mutation($i: ReplyInput!) { reply(input: $i) { __typename } }`, { i: { ticketId: gid, body: long } }, app.as(token, "desk-a"));
  await h.registry.drain();
  const delivered = h.textsTo(botA, user, m);
  expect(delivered.join("")).not.toMatch(/Internal: check the policy excess/);
  expect(delivered.length).toBe(2);
  expect(delivered.every((t) => [...t].length <= 4096)).toBe(true);
  expect(delivered.join(" ").replace(/\s+/g, " ")).toContain("booked a loss adjuster");

  // 6. Resolved → CSAT buttons; the rating is stored once, a second tap is acknowledged.
  m = mark();
  await app.gql(`mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { __typename } }`, { i: { id: gid, status: "RESOLVED" } }, app.as(token, "desk-a"));
  await h.registry.drain();
  const prompt = h.telegram.calls.slice(m).find((c) => c.method === "sendMessage" && /How satisfied/.test(c.params.text));
  expect(prompt?.params.reply_markup.inline_keyboard[0]).toHaveLength(5);
  const button = prompt!.params.reply_markup.inline_keyboard[0][3].callback_data as string;
  await h.tap(botA, user, button);
  await h.tap(botA, user, button.replace(/:4$/, ":1"));
  const feedback = await scope.db.feedback.findMany({ where: { ticketId: ticket.id } });
  expect(feedback.map((f) => [f.kind, f.score])).toEqual([["CSAT", 4]]);
  const answers = h.telegram.calls.slice(m).filter((c) => c.method === "answerCallbackQuery").map((c) => c.params.text);
  expect(answers).toEqual(["Thank you for your rating!", "You already rated this — thank you, we kept your first answer."]);
  return { ticket, scope };
}

describe(`front desk end to end, offline answerer (${ENGINE})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h?.close());

  it("answers, opens a case, reports status, hands over, relays replies and collects a rating", async () => {
    await conversation(h, 5001);
  });

  it("says plainly when nothing supports an answer, and brings a person in after two misses", async () => {
    const m = h.telegram.calls.length;
    await h.say(h.botA, 5002, "do you insure cars?");
    expect(h.textsTo(h.botA, 5002, m).join("\n")).toMatch(/could not find this in our help articles, so I won't guess/);
    await h.say(h.botA, 5002, "what about motorbikes then?");
    expect(h.textsTo(h.botA, 5002, m).join("\n")).toMatch(/so I opened case #\d+ and asked a person from our team to take over/);
  });

  it("counts misses in a row only: an answer in between starts the count again", async () => {
    const user = 5016;
    const m = h.telegram.calls.length;
    await h.say(h.botA, user, "do you insure cars?");
    await h.say(h.botA, user, "How do I file a claim?");
    await h.say(h.botA, user, "what about motorbikes then?");
    let texts = h.textsTo(h.botA, user, m).join("\n");
    expect(texts).toMatch(/How to file a claim/);
    expect(texts).not.toMatch(/asked a person from our team to take over/);
    await h.say(h.botA, user, "and boats?");
    texts = h.textsTo(h.botA, user, m).join("\n");
    expect(texts).toMatch(/so I opened case #\d+ and asked a person from our team to take over/);
  });

  it("keeps tenants apart: B's bot never answers from A's articles nor shows A's cases", async () => {
    await h.say(h.botA, 5003, "/new Please call me back about my claim");
    const m = h.telegram.calls.length;
    await h.say(h.botB, 5003, "How do I file a claim?");
    await h.say(h.botB, 5003, "/status");
    const inB = h.textsTo(h.botB, 5003, m).join("\n");
    expect(inB).not.toMatch(/How to file a claim|0800/);
    expect(inB).toMatch(/You have no cases with us/);
    // Another customer of the same tenant never sees this one's case.
    const m2 = h.telegram.calls.length;
    await h.say(h.botA, 5004, "/status");
    expect(h.textsTo(h.botA, 5004, m2).join("\n")).toMatch(/You have no cases with us/);
  });

  it("asks NPS and CES after CSAT once the tenant enables them, and stores each rating once", async () => {
    const admin = h.app.as(await h.app.operator("admin5010@desk.test", { "desk-a": "ADMIN" }), "desk-a");
    const enabled = await h.app.gql(`mutation { updateTenant(input: { frontDesk: { askNps: true, askCes: true } }) { __typename } }`, {}, admin);
    expect(enabled.data.updateTenant.__typename).toBe("UpdateTenantSuccess");
    await h.registry.drain();
    await h.say(h.botA, 5010, "/new My parcel never arrived");
    const tenant = await h.app.services.directory.getTenant("desk-a");
    const scope = h.app.services.scopes.forTenant(tenant.id);
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: 5010n } } });
    const m = h.telegram.calls.length;
    const gid = Buffer.from(`Ticket:${ticket.id}`).toString("base64");
    await h.app.gql(`mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { __typename } }`, { i: { id: gid, status: "RESOLVED" } }, admin);
    await h.registry.drain();
    const prompts = h.telegram.calls.slice(m).filter((c) => c.method === "sendMessage" && c.params.reply_markup);
    expect(prompts.map((p) => p.params.reply_markup.inline_keyboard.flat().length)).toEqual([5, 11, 7]);
    const button = (i: number, label: string) => prompts[i]!.params.reply_markup.inline_keyboard.flat().find((b: any) => b.text === label).callback_data as string;
    await h.tap(h.botA, 5010, button(0, "⭐⭐⭐⭐⭐"));
    await h.tap(h.botA, 5010, button(1, "9"));
    await h.tap(h.botA, 5010, button(1, "3"));
    await h.tap(h.botA, 5010, button(2, "6"));
    const feedback = await scope.db.feedback.findMany({ where: { ticketId: ticket.id } });
    expect(feedback.map((f) => [f.kind, f.score]).sort()).toEqual([["CES", 6], ["CSAT", 5], ["NPS", 9]]);
    await h.app.gql(`mutation { updateTenant(input: { frontDesk: { askNps: false, askCes: false } }) { __typename } }`, {}, admin);
  });

  it("refuses a wrong or missing webhook secret with 401 and processes nothing", async () => {
    const before = h.telegram.calls.length;
    const update = { update_id: nextUpdateId(), message: { message_id: 1, date: 1, chat: { id: 5005, type: "private" }, from: { id: 5005, is_bot: false, first_name: "X" }, text: "/new hi" } };
    expect(await h.post(h.botA, update, "wrong")).toBe(401);
    expect(await h.post(h.botA, update, null)).toBe(401);
    expect(await h.post(h.botA, update, h.botB.webhookSecret)).toBe(401);
    await h.registry.drain();
    expect(h.telegram.calls.length).toBe(before);
  });

  it("processes a duplicate delivery once: one ticket", async () => {
    const update = { update_id: nextUpdateId(), message: { message_id: 1, date: 1, chat: { id: 5006, type: "private" }, from: { id: 5006, is_bot: false, first_name: "D" }, text: "/new duplicate please", entities: [{ type: "bot_command", offset: 0, length: 4 }] } };
    expect(await Promise.all([h.post(h.botA, update), h.post(h.botA, update), h.post(h.botA, update)])).toEqual([200, 200, 200]);
    await h.registry.drain();
    const tenant = await h.app.services.directory.getTenant("desk-a");
    const contact = await h.app.services.scopes.forTenant(tenant.id).db.contact.findFirstOrThrow({ where: { telegramUserId: 5006n } });
    expect(await h.app.services.scopes.forTenant(tenant.id).db.ticket.count({ where: { contactId: contact.id } })).toBe(1);
  });

  it("retries a 429 from the Bot API and still delivers the message", async () => {
    h.telegram.failNext("sendMessage", 429, 1);
    const m = h.telegram.calls.length;
    await h.say(h.botA, 5007, "/help");
    const attempts = h.telegram.calls.slice(m).filter((c) => c.method === "sendMessage" && Number(c.params.chat_id) === 5007);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.params.text).toMatch(/open a case/);
  });

  it("answers stickers and photos with a clear reply, ignores group chats", async () => {
    const m = h.telegram.calls.length;
    await h.post(h.botA, { update_id: nextUpdateId(), message: { message_id: 1, date: 1, chat: { id: 5008, type: "private" }, from: { id: 5008, is_bot: false, first_name: "S" }, sticker: { file_id: "x", file_unique_id: "y", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } } });
    await h.post(h.botA, { update_id: nextUpdateId(), message: { message_id: 2, date: 1, chat: { id: -100, type: "group", title: "G" }, from: { id: 5008, is_bot: false, first_name: "S" }, text: "hello group" } });
    await h.registry.drain();
    expect(h.textsTo(h.botA, 5008, m).join("\n")).toMatch(/I can't read stickers/);
    expect(h.textsTo(h.botA, -100, m)).toEqual([]);
  });
});

describe(`front desk end to end, with an LLM (${ENGINE})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ llm: true });
  });
  afterAll(() => h?.close());

  it("answers through the LLM's tool calls, citing the article, acting only for this customer", async () => {
    h.llm!.play(
      { toolCalls: [{ name: "search_knowledge_base", arguments: { query: "file a claim" } }] },
      { content: 'Go to Claims > New claim in your account or call 0800 123 456. (From our help article "How to file a claim")' },
    );
    const m = h.telegram.calls.length;
    await h.say(h.botA, 6001, "Wie melde ich einen Schaden?");
    expect(h.textsTo(h.botA, 6001, m).join("\n")).toMatch(/From our help article "How to file a claim"/);
    const toolResult = h.llm!.requests[1].messages.find((x: any) => x.role === "tool");
    expect(toolResult.content).toMatch(/How to file a claim/);
    expect(JSON.stringify(h.llm!.requests[1])).not.toMatch(/Roaming and the travel pass/);
  });

  it("falls back to the offline answerer when the LLM fails mid-conversation, and the conversation goes on", async () => {
    // The LLM answers the first question with its tools, then fails (500s) for the rest.
    h.llm!.play(
      { toolCalls: [{ name: "search_knowledge_base", arguments: { query: "file a claim" } }] },
      { content: 'You can file a claim by calling 0800 123 456. (From our help article "How to file a claim")' },
    );
    await conversation(h, 6002);
    const tenant = await h.app.services.directory.getTenant("desk-a");
    const contact = await h.app.services.scopes.forTenant(tenant.id).db.contact.findFirstOrThrow({ where: { telegramUserId: 6002n } });
    const turns = await h.app.services.scopes
      .forTenant(tenant.id)
      .db.auditEvent.findMany({ where: { action: "assistant.turn", entityId: contact.id }, orderBy: { createdAt: "asc" } });
    const by = turns.map((t) => [(t.after as any).by, Boolean((t.after as any).llmFailed)]);
    expect(by[0]).toEqual(["openai", false]);
    expect(by.slice(1).length).toBeGreaterThan(0);
    for (const later of by.slice(1)) expect(later).toEqual(["offline", true]);
  });

  it("falls back when the LLM hangs past its timeout", async () => {
    h.llm!.play({ hang: true }, { hang: true });
    const m = h.telegram.calls.length;
    await h.say(h.botA, 6003, "How long does a claim take?");
    expect(h.textsTo(h.botA, 6003, m).join("\n")).toMatch(/How long does a claim take\?/);
  });
});
