// Migration 20261201000100_ticket_sla_history on data written before it: merge chains
// flattened, resolutions a reopening erased recovered from the audit log, bulk-loaded
// resolutions kept, late flags restored, reopenedAt and nextDueAt filled in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/engine.js";
import { migrate, readMigrations } from "../../src/db/migrator.js";
import { createTestDatabase, ENGINE, type TestDatabase } from "../support/database.js";

const MIGRATION = "20261201000100_ticket_sla_history";
const day = (time: string, date = "2026-03-01") => `${date}T${time}:00.000Z`;

describe(`migration ${MIGRATION} (${ENGINE})`, () => {
  let test: TestDatabase;
  let db: Database;

  /** Statements as the owner that runs migrations, with the tenant set (tenant-owned tables FORCE row-level security). */
  async function asOwner<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return db.sql.session(async (s) => {
      await s.exec("BEGIN");
      try {
        await s.query(`SELECT set_config('app.tenant_id', 'mig-t', true)`);
        const rows = await s.query<R>(sql, params);
        await s.exec("COMMIT");
        return rows;
      } catch (err) {
        await s.exec("ROLLBACK");
        throw err;
      }
    });
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    db = await openDatabase(test.target);
    await migrate(db.sql, readMigrations().filter((m) => m.name < MIGRATION));

    await asOwner(`INSERT INTO "Tenant" (id, slug, name, "updatedAt") VALUES ('mig-t', 'mig-t', 'Migration', now())`);
    // A was merged into B, then B into C: A still points at B.
    await asOwner(`INSERT INTO "Contact" ("tenantId", id, name, "mergedIntoId", "updatedAt") VALUES
      ('mig-t', 'c', 'C', NULL, now()), ('mig-t', 'b', 'B', 'c', now()), ('mig-t', 'a', 'A', 'b', now())`);
    const ticket = `INSERT INTO "Ticket" ("tenantId", id, number, subject, status, channel, "contactId", "createdAt", "updatedAt",
      "firstResponseDueAt", "firstRespondedAt", "resolutionDueAt", "resolvedAt", "closedAt", "resolutionLate")
      VALUES ('mig-t', $1, $2, $1, $3::"TicketStatus", 'API', 'c', $4::timestamp, now(), $5::timestamp, $6::timestamp, $7::timestamp, $8::timestamp, $9::timestamp, $10)`;
    // t: resolved late at 11:00, reopened by the customer at 12:00 (which erased that), resolved again on time at 15:00.
    await asOwner(ticket, ["t", 1, "RESOLVED", day("10:00"), day("11:00"), day("10:15"), day("12:00", "2026-03-02"), day("15:00"), null, false]);
    // u: bulk-loaded (no audit events), resolved late and unanswered after its first-response due time, then closed.
    await asOwner(ticket, ["u", 2, "CLOSED", day("09:00"), day("10:00"), null, day("12:00"), day("13:00"), day("14:00"), true]);
    // v: open and unanswered; w: open and answered.
    await asOwner(ticket, ["v", 3, "OPEN", day("16:00"), day("17:00"), null, day("16:00", "2026-03-02"), null, null, false]);
    await asOwner(ticket, ["w", 4, "OPEN", day("16:00"), day("17:00"), day("16:30"), day("16:00", "2026-03-02"), null, null, false]);

    const audit = `INSERT INTO "AuditEvent" ("tenantId", id, "actorType", action, "entityType", "entityId", before, after, "createdAt")
      VALUES ('mig-t', $1, 'OPERATOR', $2, $3, $4, $5::jsonb, $6::jsonb, $7::timestamp)`;
    const t = (status: string, extra: Record<string, unknown> = {}) => ({ id: "t", status, ...extra });
    await asOwner(audit, ["e1", "ticket.created", "Ticket", "t", null, JSON.stringify(t("OPEN")), day("10:00")]);
    await asOwner(audit, ["e2", "ticket.status_changed", "Ticket", "t", JSON.stringify(t("OPEN")),
      JSON.stringify(t("RESOLVED", { resolvedAt: day("11:00"), resolutionDueAt: day("10:30"), resolutionLate: true })), day("11:00")]);
    await asOwner(audit, ["e3", "message.added", "Message", "m1", JSON.stringify({ ticket: t("RESOLVED") }),
      JSON.stringify({ message: { id: "m1" }, ticket: t("OPEN", { resolvedAt: null }) }), day("12:00")]);
    await asOwner(audit, ["e4", "message.added", "Message", "m2", null, JSON.stringify({ message: { id: "m2" } }), day("12:30")]);
    await asOwner(audit, ["e5", "ticket.status_changed", "Ticket", "t", JSON.stringify(t("OPEN")),
      JSON.stringify(t("RESOLVED", { resolvedAt: day("15:00"), resolutionDueAt: day("12:00", "2026-03-02"), resolutionLate: false })), day("15:00")]);

    await migrate(db.sql);
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  const at = (column: string) => `to_char("${column}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${column}"`;

  it("points every merged contact at the end of its merge chain", async () => {
    const rows = await asOwner<{ id: string; mergedIntoId: string | null }>(`SELECT id, "mergedIntoId" FROM "Contact" ORDER BY id`);
    expect(rows).toEqual([
      { id: "a", mergedIntoId: "c" },
      { id: "b", mergedIntoId: "c" },
      { id: "c", mergedIntoId: null },
    ]);
  });

  it("keeps every resolution: those a reopening erased (from the audit log) and those only the tickets show", async () => {
    const rows = await asOwner(`SELECT "ticketId", ${at("startedAt")}, ${at("dueAt")}, ${at("resolvedAt")}, late
      FROM "TicketResolution" ORDER BY "ticketId", "resolvedAt"`);
    expect(rows).toEqual([
      { ticketId: "t", startedAt: day("10:00"), dueAt: day("10:30"), resolvedAt: day("11:00"), late: true },
      { ticketId: "t", startedAt: day("12:00"), dueAt: day("12:00", "2026-03-02"), resolvedAt: day("15:00"), late: false },
      { ticketId: "u", startedAt: day("09:00"), dueAt: day("12:00"), resolvedAt: day("13:00"), late: true },
    ]);
  });

  it("restores late flags, fills reopenedAt, and generates nextDueAt from the running clocks", async () => {
    const rows = await asOwner(`SELECT id, "firstResponseLate", "resolutionLate", ${at("reopenedAt")}, ${at("nextDueAt")} FROM "Ticket" ORDER BY id`);
    expect(rows).toEqual([
      { id: "t", firstResponseLate: false, resolutionLate: true, reopenedAt: day("12:00"), nextDueAt: null },
      { id: "u", firstResponseLate: true, resolutionLate: true, reopenedAt: null, nextDueAt: null },
      { id: "v", firstResponseLate: false, resolutionLate: false, reopenedAt: null, nextDueAt: day("17:00") },
      { id: "w", firstResponseLate: false, resolutionLate: false, reopenedAt: null, nextDueAt: day("16:00", "2026-03-02") },
    ]);
    // nextDueAt follows later changes by itself: answering v moves it to v's resolution due time.
    await asOwner(`UPDATE "Ticket" SET "firstRespondedAt" = $1::timestamp WHERE id = 'v'`, [day("16:10")]);
    expect(await asOwner(`SELECT ${at("nextDueAt")} FROM "Ticket" WHERE id = 'v'`)).toEqual([{ nextDueAt: day("16:00", "2026-03-02") }]);
  });

  it("puts FORCE row-level security back, and gives the application role read and insert on resolutions only", async () => {
    const force = await db.sql.query<{ relname: string; relforcerowsecurity: boolean }>(
      `SELECT relname, relforcerowsecurity FROM pg_class WHERE relname IN ('Contact', 'Ticket', 'AuditEvent', 'TicketResolution') ORDER BY relname`,
    );
    expect(force.every((r) => r.relforcerowsecurity)).toBe(true);
    expect(force).toHaveLength(4);
    const grants = await db.sql.query<{ privilege_type: string }>(
      `SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'tandem_app' AND table_name = 'TicketResolution' ORDER BY privilege_type`,
    );
    expect(grants.map((g) => g.privilege_type)).toEqual(["INSERT", "SELECT"]);
  });
});
