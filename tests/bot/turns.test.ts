// How a turn uses the database (src/bot/turns.ts, claims.ts, turn-transaction.ts): few
// statements per update; a turn whose transaction fails is rolled back and run again,
// doing nothing twice; one chat's updates arriving at two processes at once are each
// processed once, in update_id order; an update whose work committed is never redone.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ChatStore } from "../../src/bot/chat-state.js";
import { BotRegistry } from "../../src/bot/registry.js";
import { ENGINE } from "../support/app.js";
import { createHarness, nextUpdateId, textMessage, type Harness } from "./harness.js";

describe(`turns and their claims (${ENGINE})`, () => {
  let h: Harness;
  let tenantId: string;
  let scope: ReturnType<Harness["app"]["services"]["scopes"]["forTenant"]>;
  beforeAll(async () => {
    h = await createHarness();
    tenantId = (await h.app.services.directory.getTenant("desk-a")).id;
    scope = h.app.services.scopes.forTenant(tenantId);
  });
  afterAll(() => h?.close());

  /** Posts a message and waits for the bot's next message to that chat (without draining: as Telegram would, the next one follows the reply). */
  async function converse(user: number, text: string): Promise<string> {
    const before = h.textsTo(h.botA, user).length;
    expect(await h.post(h.botA, { update_id: nextUpdateId(), message: textMessage(user, text) })).toBe(200);
    await vi.waitFor(() => expect(h.textsTo(h.botA, user).length).toBeGreaterThan(before), { timeout: 10_000, interval: 2 });
    return h.textsTo(h.botA, user)[before]!;
  }

  const contactOf = (user: number) => scope.db.contact.findFirstOrThrow({ where: { telegramUserId: BigInt(user) } });

  it("costs few SQL statements per update: stored, claimed, answered and its work done in one transaction", async () => {
    const user = 9101;
    // The first message creates the contact and the chat: counted from the second on.
    await converse(user, "hello");
    const { stats } = h.app.services.database;
    const steps = ["How do I file a claim?", "/new The kitchen ceiling came down", "It happened on Saturday night.", "how long does a claim take", "/status"];
    const counts: number[] = [];
    for (const step of steps) {
      const before = stats.statements;
      await converse(user, step);
      counts.push(stats.statements - before);
    }
    // Measured: 9, 13, 15, 15 and 7 (one transaction per operation cost 32 to 64 each). The
    // margin is for answered rows let go by the timer during a step (one statement and its
    // transaction).
    for (const n of counts) expect(n).toBeLessThanOrEqual(20);
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(70);
    await h.registry.drain();
  });

  it("runs a turn whose transaction failed again, one operation at a time, with nothing done twice", async () => {
    const user = 9102;
    await h.say(h.botA, user, "/new My boiler is broken");
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } } });
    // The statement that records the answer fails inside the turn's transaction, after the
    // customer's message and the assistant's reply were added to the case — twice: the turn
    // that stored the update is rolled back (the update with it: it is stored again on its
    // own), its turn fails again and runs a third time, one operation per transaction.
    const failing = async function (this: ChatStore) {
      const { deps } = this as unknown as { deps: { scope: typeof scope } };
      await deps.scope.db.$queryRaw`SELECT 1 / 0`;
      return 0;
    };
    const answered = vi.spyOn(ChatStore.prototype, "answered").mockImplementationOnce(failing).mockImplementationOnce(failing);
    const m = h.telegram.calls.length;
    await h.say(h.botA, user, "The pilot light keeps going out.");
    expect(answered).toHaveBeenCalledTimes(3);
    answered.mockRestore();
    // One reply, and the message once in the case, with one answer of the assistant after it.
    expect(h.textsTo(h.botA, user, m)).toEqual([expect.stringMatching(/I added this to your case #\d+/)]);
    const thread = await scope.db.message.findMany({ where: { ticketId: ticket.id }, orderBy: { createdAt: "asc" } });
    expect(thread.map((x) => [x.author, x.body])).toEqual([
      ["CONTACT", "My boiler is broken"],
      ["CONTACT", "The pilot light keeps going out."],
      ["ASSISTANT", expect.stringMatching(/I added this to your case/)],
    ]);
    const contact = await contactOf(user);
    const turns = await scope.db.auditEvent.findMany({ where: { entityId: contact.id, action: "assistant.turn" } });
    expect(turns).toHaveLength(1);
    const stored = await scope.db.botUpdate.findMany({ where: { botId: h.botA.id, chatId: BigInt(user) }, orderBy: { updateId: "asc" } });
    expect(stored.map((u) => [u.attempts, u.processedAt !== null, u.payload])).toEqual([
      [1, true, null],
      [1, true, null],
    ]);
  });

  it("processes one chat's updates stored by two processes each once, in update_id order, whichever process takes them", async () => {
    const user = 9103;
    await h.say(h.botA, user, "/new Order across processes");
    // A second process: its own registry (claims, lanes, memory) on the same database.
    const other = new BotRegistry(h.app.services, { mode: "off" });
    await other.start();
    try {
      // While a third worker holds the chat (it is sending its replies), both processes store updates of it.
      const held = await scope.db.botUpdate.create({
        data: { tenantId, botId: h.botA.id, updateId: BigInt(nextUpdateId()), chatId: BigInt(user), claimedAt: new Date(), attempts: 1 },
      });
      const updates = Array.from({ length: 8 }, (_, i) => ({ update_id: nextUpdateId(), message: textMessage(user, `detail ${i + 1}`) }));
      // Sent in a shuffled order, alternately to each process.
      const order = [3, 0, 6, 1, 7, 2, 5, 4];
      const statuses = await Promise.all(
        order.map((i, n) => (n % 2 ? other.handleWebhook(h.botA.id, h.botA.webhookSecret, updates[i]!).then((r) => r.status) : h.post(h.botA, updates[i]!))),
      );
      expect(statuses).toEqual(updates.map(() => 200));
      await Promise.all([h.registry.drain(), other.drain()]);
      // Stored, none taken: the chat is held.
      const ids = updates.map((u) => BigInt(u.update_id));
      expect(await scope.db.botUpdate.count({ where: { botId: h.botA.id, updateId: { in: ids }, processedAt: null, claimedAt: null } })).toBe(8);
      // The holder died: once its claim is stale, both processes' sweeps race for the chat.
      await scope.db.botUpdate.update({ where: { tenantId_id: { tenantId, id: held.id } }, data: { claimedAt: new Date(Date.now() - 10 * 60_000) } });
      await Promise.all([h.registry.sweep(), other.sweep()]);
      await vi.waitFor(
        async () => {
          await Promise.all([h.registry.drain(), other.drain()]);
          expect(await scope.db.botUpdate.count({ where: { botId: h.botA.id, chatId: BigInt(user), processedAt: null } })).toBe(0);
        },
        { timeout: 20_000, interval: 50 },
      );
    } finally {
      await other.stop();
    }
    const ticket = await scope.db.ticket.findFirstOrThrow({ where: { contact: { telegramUserId: BigInt(user) } } });
    const details = (await scope.db.message.findMany({ where: { ticketId: ticket.id, author: "CONTACT" }, orderBy: { createdAt: "asc" } }))
      .map((x) => x.body)
      .filter((b) => b.startsWith("detail"));
    expect(details).toEqual(Array.from({ length: 8 }, (_, i) => `detail ${i + 1}`));
    // One answer per update.
    expect(h.textsTo(h.botA, user).filter((t) => /I added this to your case/.test(t))).toHaveLength(8);
  });

  it("never redoes an update whose work committed when its process died before letting it go, and holds its chat until then", async () => {
    const user = 9104;
    await h.say(h.botA, user, "/new Crash while replying");
    // What a process that died while its replies went out leaves: answered (payload gone), still claimed.
    const answered = await scope.db.botUpdate.create({
      data: { tenantId, botId: h.botA.id, updateId: BigInt(nextUpdateId()), chatId: BigInt(user), payload: undefined, claimedAt: new Date(), attempts: 1 },
    });
    const m = h.telegram.calls.length;
    // The chat's next message waits: another worker holds the chat.
    await h.post(h.botA, { update_id: nextUpdateId(), message: textMessage(user, "Anyone there?") });
    await h.registry.drain();
    expect(h.textsTo(h.botA, user, m)).toEqual([]);
    // Once that claim is stale, the sweep marks the answered update done (not redone) and the next one is answered.
    await scope.db.botUpdate.update({ where: { tenantId_id: { tenantId, id: answered.id } }, data: { claimedAt: new Date(Date.now() - 10 * 60_000) } });
    await h.registry.sweep();
    await h.registry.drain();
    expect(h.textsTo(h.botA, user, m)).toEqual([expect.stringMatching(/I added this to your case #\d+/)]);
    const row = await scope.db.botUpdate.findFirstOrThrow({ where: { id: answered.id } });
    expect([row.processedAt !== null, row.claimedAt, row.attempts]).toEqual([true, null, 1]);
  });
});
