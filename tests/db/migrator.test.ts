import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/engine.js";
import { migrate, readMigrations } from "../../src/db/migrator.js";
import { createTestDatabase, ENGINE, type TestDatabase } from "../support/database.js";

describe(`migrator (${ENGINE})`, () => {
  let test: TestDatabase;
  let db: Database;
  const extraDir = mkdtempSync(path.join(tmpdir(), "tandem-migrations-"));

  beforeAll(async () => {
    test = await createTestDatabase();
    db = await openDatabase(test.target);
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
    rmSync(extraDir, { recursive: true, force: true });
  });

  it("applies every migration once, recorded in Prisma's _prisma_migrations table, and is idempotent", async () => {
    const all = readMigrations().map((m) => m.name);
    const first = await migrate(db.sql);
    expect(first.applied).toEqual(all);
    const second = await migrate(db.sql);
    expect(second).toEqual({ applied: [], alreadyApplied: all });
    const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(all);
    expect(rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it("rolls back a failing migration completely and reports which one failed", async () => {
    const dir = path.join(extraDir, "99990101000000_broken");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), `CREATE TABLE "half_done" (id int);\nSELECT * FROM "no_such_table";`);
    const migrations = [...readMigrations(), ...readMigrations(extraDir)];
    await expect(migrate(db.sql, migrations)).rejects.toThrow(/99990101000000_broken failed and was rolled back/);
    const left = await db.sql.query(`SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`);
    expect(left).toEqual([]);
    const recorded = await db.sql.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99990101000000_broken'`);
    expect(recorded).toEqual([]);
    rmSync(dir, { recursive: true });
  });

  it("refuses to run when an applied migration was edited", async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrate(db.sql, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  // Only a server has several processes: embedded PGlite belongs to one process (and is locked to it).
  it.runIf(ENGINE === "postgres")("applies each migration once when several processes start at the same time", async () => {
    const fresh = await createTestDatabase();
    const dbs = await Promise.all([0, 1, 2].map(() => openDatabase(fresh.target)));
    try {
      const results = await Promise.all(dbs.map((d) => migrate(d.sql)));
      const applied = results.flatMap((r) => r.applied);
      expect(applied.sort()).toEqual(readMigrations().map((m) => m.name).sort());
      const rows = await dbs[0]!.sql.query<{ n: string }>(`SELECT count(*) AS n FROM "_prisma_migrations"`);
      expect(Number(rows[0]!.n)).toBe(readMigrations().length);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
      await fresh.drop();
    }
  });
});
