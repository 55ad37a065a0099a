// Rows read with SQL of our own (src/domain/rows.ts) must be the objects Prisma returns:
// same fields, same types (Date, enums as strings, lists), so a rule cannot tell them apart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockTicket } from "../../src/domain/tickets.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

describe(`rows read with SQL (${ENGINE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it("lockTicket returns the ticket exactly as Prisma reads it, and null for another tenant's ticket", async () => {
    const a = await app.tenant("rows-a");
    const b = await app.tenant("rows-b");
    const scope = app.services.scopes.forTenant(a.id);
    const ticket = await scope.tx(async (tx) => {
      const contact = await tx.contact.create({ data: { tenantId: a.id, name: "Row Reader", telegramUserId: 9_007_199_254_740_993n } });
      return tx.ticket.create({
        data: {
          tenantId: a.id,
          number: 1,
          subject: "Rows",
          channel: "TELEGRAM",
          priority: "HIGH",
          status: "PENDING",
          contactId: contact.id,
          tags: ["vip", "billing"],
          needsHuman: true,
          firstResponseDueAt: new Date("2026-12-02T10:11:12.345Z"),
          resolutionDueAt: new Date("2026-12-03T10:11:12.345Z"),
        },
      });
    });
    const viaPrisma = await scope.db.ticket.findFirstOrThrow({ where: { id: ticket.id } });
    const locked = await scope.tx((tx) => lockTicket(tx, a.id, ticket.id));
    expect(locked).toEqual(viaPrisma);
    expect(Object.keys(locked!).sort()).toEqual(Object.keys(viaPrisma).sort());
    // Another tenant's scope finds nothing, with or without naming the ticket's tenant.
    const other = app.services.scopes.forTenant(b.id);
    expect(await other.tx((tx) => lockTicket(tx, b.id, ticket.id))).toBeNull();
    expect(await other.tx((tx) => lockTicket(tx, a.id, ticket.id))).toBeNull();
  });
});
