// Connecting a tenant's bot through GraphQL: only admins, the token checked with
// getMe and never returned, the running process picks the bot up at once, a token
// replacement keeps the history, and a disconnected bot stops answering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE } from "../support/app.js";
import { createHarness, textMessage, nextUpdateId, TOKEN_A, type Harness } from "./harness.js";

const TOKEN_C = "333333:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
const TOKEN_C2 = "444444:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD";
const BOT = "id username telegramId connected webhookPath connectedAt updatedAt";
const CONNECT = `mutation($i: ConnectTelegramBotInput!) { connectTelegramBot(input: $i) {
  __typename ... on ConnectTelegramBotSuccess { data { ${BOT} } } ... on Error { message } ... on ValidationError { field } } }`;
const DISCONNECT = `mutation($i: DisconnectTelegramBotInput!) { disconnectTelegramBot(input: $i) {
  __typename ... on DisconnectTelegramBotSuccess { data { ${BOT} } } ... on Error { message } } }`;

describe(`connecting a tenant's bot through GraphQL (${ENGINE})`, () => {
  let h: Harness;
  let admin: Record<string, string>;
  let agent: Record<string, string>;
  beforeAll(async () => {
    h = await createHarness();
    h.telegram.addBot(TOKEN_C, { id: 333333, username: "gamma_desk_bot" });
    h.telegram.addBot(TOKEN_C2, { id: 444444, username: "gamma_help_bot" });
    admin = h.app.as(await h.app.operator("admin@gamma.test", { "desk-c": "ADMIN" }), "desk-c");
    agent = h.app.as(await h.app.operator("agent@gamma.test", { "desk-c": "AGENT" }), "desk-c");
  });
  afterAll(() => h?.close());

  it("refuses non-admins, malformed tokens and tokens Telegram does not know, with nothing connected", async () => {
    const refused = await h.app.gql(CONNECT, { i: { token: TOKEN_C } }, agent);
    expect(JSON.stringify(refused)).toMatch(/FORBIDDEN|ForbiddenError/);
    const malformed = await h.app.gql(CONNECT, { i: { token: "not-a-token" } }, admin);
    expect(malformed.data.connectTelegramBot).toMatchObject({ __typename: "ValidationError", field: "token" });
    const unknown = await h.app.gql(CONNECT, { i: { token: "999999:ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ" } }, admin);
    expect(unknown.data.connectTelegramBot).toMatchObject({ __typename: "ValidationError", field: "token", message: expect.stringMatching(/Telegram refused the token: Unauthorized/) });
    expect((await h.app.gql(`{ telegramBot { id } }`, {}, admin)).data.telegramBot).toBeNull();
  });

  it("connects a bot, never returns its token, and the running process serves it at once", async () => {
    const res = await h.app.gql(CONNECT, { i: { token: TOKEN_C } }, admin);
    const bot = res.data.connectTelegramBot.data;
    expect(bot).toMatchObject({ username: "gamma_desk_bot", telegramId: "333333", connected: true, webhookPath: `/telegram/${bot.id}` });
    expect(JSON.stringify(res)).not.toContain(TOKEN_C.split(":")[1]);
    const connected = (await h.app.services.bots.byId(bot.id))!;
    await h.registry.drain();
    const m = h.telegram.calls.length;
    expect(await h.post(connected, { update_id: nextUpdateId(), message: textMessage(9001, "/help") })).toBe(200);
    await h.registry.drain();
    const sent = h.telegram.calls.slice(m).filter((c) => c.method === "sendMessage");
    expect(sent.map((c) => [c.token, c.params.chat_id])).toEqual([[TOKEN_C, 9001]]);
    const tenant = await h.app.services.directory.getTenant("desk-c");
    const audit = await h.app.services.scopes.forTenant(tenant.id).db.auditEvent.findMany({ where: { entityType: "TelegramBot" } });
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([["bot.connected", "OPERATOR"]]);
    expect(JSON.stringify(audit)).not.toContain(TOKEN_C.split(":")[1]);
  });

  it("refuses a bot that already serves another tenant", async () => {
    const res = await h.app.gql(CONNECT, { i: { token: TOKEN_A } }, admin);
    expect(res.data.connectTelegramBot).toMatchObject({ __typename: "ConflictError", message: expect.stringMatching(/already connected to another tenant/) });
  });

  it("replaces the token with another bot: same bot row, the customers' cases stay, the old bot's webhook is removed", async () => {
    const before = (await h.app.gql(`{ telegramBot { id } }`, {}, admin)).data.telegramBot;
    const old = (await h.app.services.bots.byId(before.id))!;
    await h.post(old, { update_id: nextUpdateId(), message: textMessage(9002, "/new Kept across tokens") });
    await h.registry.drain();
    const res = await h.app.gql(CONNECT, { i: { token: TOKEN_C2 } }, admin);
    expect(res.data.connectTelegramBot.data).toMatchObject({ id: before.id, username: "gamma_help_bot" });
    expect(h.telegram.calls.some((c) => c.token === TOKEN_C && c.method === "deleteWebhook")).toBe(true);
    const renewed = (await h.app.services.bots.byId(before.id))!;
    // The old secret no longer opens the webhook.
    expect(await h.post(old, { update_id: nextUpdateId(), message: textMessage(9002, "/status") })).toBe(401);
    const m = h.telegram.calls.length;
    await h.post(renewed, { update_id: nextUpdateId(), message: textMessage(9002, "/status") });
    await h.registry.drain();
    const status = h.telegram.calls.slice(m).find((c) => c.method === "sendMessage")!;
    expect(status.token).toBe(TOKEN_C2);
    expect(status.params.text).toMatch(/Kept across tokens/);
  });

  it("disconnects only with the right username; a disconnected bot answers nothing", async () => {
    const wrong = await h.app.gql(DISCONNECT, { i: { username: "@someone_else_bot" } }, admin);
    expect(wrong.data.disconnectTelegramBot).toMatchObject({ __typename: "ValidationError", message: "The connected bot is @gamma_help_bot, not @someone_else_bot." });
    const bot = (await h.app.gql(`{ telegramBot { id } }`, {}, admin)).data.telegramBot;
    const connected = (await h.app.services.bots.byId(bot.id))!;
    const res = await h.app.gql(DISCONNECT, { i: { username: "@gamma_help_bot" } }, admin);
    expect(res.data.disconnectTelegramBot.data).toMatchObject({ connected: false });
    await h.registry.drain();
    expect(await h.post(connected, { update_id: nextUpdateId(), message: textMessage(9003, "/help") })).toBe(401);
    const again = await h.app.gql(DISCONNECT, { i: { username: "gamma_help_bot" } }, admin);
    expect(again.data.disconnectTelegramBot.__typename).toBe("NotFoundError");
  });
});
