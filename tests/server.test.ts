import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "./support/app.js";

describe(`health endpoints (${ENGINE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it("answers /healthz while the process lives and /readyz while the database answers", async () => {
    expect((await app.api.fetch("http://tandem.test/healthz")).status).toBe(200);
    expect((await app.api.fetch("http://tandem.test/readyz")).status).toBe(200);
  });

  it("exposes process counters at /metrics, counting SQL statements", async () => {
    const read = async () => {
      const text = await (await app.api.fetch("http://tandem.test/metrics")).text();
      return Number(/tandem_sql_statements_total (\d+)/.exec(text)![1]);
    };
    const before = await read();
    await app.services.scopes.forTenant((await app.tenant("metrics")).id).db.contact.count();
    expect(await read()).toBeGreaterThan(before);
  });

  it("turns /readyz red when the database stops answering, while /healthz stays green", async () => {
    const sql = app.services.database.sql;
    const original = sql.query;
    sql.query = async () => {
      throw new Error("connection refused");
    };
    try {
      expect((await app.api.fetch("http://tandem.test/readyz")).status).toBe(503);
      expect((await app.api.fetch("http://tandem.test/healthz")).status).toBe(200);
    } finally {
      sql.query = original;
    }
    expect((await app.api.fetch("http://tandem.test/readyz")).status).toBe(200);
  });
});
