// On PostgreSQL every statement the application sends is bounded by STATEMENT_TIMEOUT_MS:
// inside tenant scopes (they set it per transaction) and outside them (credentials,
// directory, bots) through the connections' own setting. Migrations are not bounded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/engine.js";
import { migrate } from "../../src/db/migrator.js";
import { ENGINE } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe.runIf(ENGINE === "postgres")("statement timeout (postgres)", () => {
  let test: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    test = await createTestDatabase();
    if (test.target.kind !== "postgres") throw new Error("a PostgreSQL target was expected");
    database = await openDatabase({ ...test.target, statementTimeoutMs: 300 });
    await migrate(database.sql);
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
  });

  it("cancels a statement outside any tenant scope that runs longer than the limit, and the connection serves the next one", async () => {
    const started = Date.now();
    await expect(database.prisma.$queryRaw`SELECT pg_sleep(3)`).rejects.toThrow(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(await database.prisma.$queryRaw<{ one: number }[]>`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it("leaves the migrator's own connections unbounded", async () => {
    expect(await database.sql.query<{ statement_timeout: string }>("SHOW statement_timeout")).toEqual([{ statement_timeout: "0" }]);
  });
});
