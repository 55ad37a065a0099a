// The database goes away under load and comes back: every request gets an answer,
// /readyz follows the database, and service resumes without a restart.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, globalId, type TestApp } from "../support/app.js";
import { seedEveryModel } from "../support/fixtures.js";

const ADMIN_URL = process.env.PG_TEST_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

async function admin(sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

// Terminating server connections needs a server: PGlite runs inside this process.
describe.runIf(ENGINE === "postgres")("database faults (postgres)", () => {
  let app: TestApp;
  let key: string;
  let ticketId: string;
  let dbName: string;

  beforeAll(async () => {
    app = await createTestApp();
    const t = await app.tenant("fault");
    ticketId = globalId("Ticket", (await seedEveryModel(app.services, t.id, "f")).ids.Ticket!);
    key = await app.apiKey("fault");
    dbName = (await app.services.database.sql.query<{ db: string }>("SELECT current_database() AS db"))[0]!.db;
  });
  afterAll(async () => {
    await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await app?.close();
  });

  const query = () =>
    Promise.resolve(
      app.api.fetch("http://tandem.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...app.as(key) },
        body: JSON.stringify({ query: `query($id: ID!) { node(id: $id) { id } }`, variables: { id: ticketId } }),
      }),
    ).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));

  it("answers every request of a burst while its connections are terminated, and recovers", async () => {
    const burst = Array.from({ length: 60 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 5)).then(query),
    );
    await new Promise((r) => setTimeout(r, 100));
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
    const results = await Promise.all(burst);
    for (const r of results) {
      expect([200, 401, 503]).toContain(r.status);
      const ok = r.json.data?.node?.id === ticketId;
      const unavailable = r.json.errors?.[0]?.extensions?.code === "SERVICE_UNAVAILABLE";
      expect(ok || unavailable).toBe(true);
    }
    // After recovery every request succeeds again.
    for (let i = 0; i < 5; i++) expect((await query()).json.data.node.id).toBe(ticketId);
  });

  it("fails fast with SERVICE_UNAVAILABLE and a red /readyz while the database refuses connections, then resumes", async () => {
    await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
    try {
      const down = await query();
      expect(down.status).toBe(503);
      expect(down.json.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
      expect(down.json.errors[0].message).toMatch(/temporarily unavailable/);
      expect((await app.api.fetch("http://tandem.test/readyz")).status).toBe(503);
      expect((await app.api.fetch("http://tandem.test/healthz")).status).toBe(200);
    } finally {
      await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    }
    expect((await app.api.fetch("http://tandem.test/readyz")).status).toBe(200);
    expect((await query()).json.data.node.id).toBe(ticketId);
  });
});
