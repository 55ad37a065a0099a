// NODE_ENV=production: no GraphiQL, no introspection, no field suggestions — unless configured.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { sha256 } from "../../src/api/persisted-operations.js";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

describe("production defaults", () => {
  it("turn GraphiQL and introspection off unless enabled", () => {
    const env = { NODE_ENV: "production", DATABASE_URL: "postgresql://x/y", AUTH_SECRET: "x".repeat(40) } as const;
    expect(loadConfig(env)).toMatchObject({ graphiql: false, introspection: false });
    expect(loadConfig({ ...env, GRAPHIQL: "true", INTROSPECTION: "true" })).toMatchObject({ graphiql: true, introspection: true });
    expect(loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "tandem-cfg-")) })).toMatchObject({ graphiql: true, introspection: true });
  });
});

describe(`in production (${ENGINE})`, () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await createTestApp({ nodeEnv: "production", graphiql: false, introspection: false });
    key = await app.apiKey("prod");
  });
  afterAll(() => app?.close());

  it("serves no GraphiQL page", async () => {
    const res = await app.api.fetch("http://tandem.test/graphql", { headers: { accept: "text/html" } });
    expect(await res.text()).not.toMatch(/<html/i);
  });

  it("refuses introspection", async () => {
    const res = await app.gql("{ __schema { types { name } } }", {}, app.as(key));
    expect(res.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it("does not suggest field names", async () => {
    const res = await app.gql("{ tenat { slug } }", {}, app.as(key));
    expect(res.errors?.[0]?.message).toBeTruthy();
    expect(res.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it("does not suggest enum values or input fields either, in the query or in variables", async () => {
    const inQuery = await app.gql("{ tickets(first: 1, orderBy: { field: CREATED, direction: DESC }) { totalCount } }", {}, app.as(key));
    const inVariables = await app.gql(
      "query($o: TicketOrder) { tickets(first: 1, orderBy: $o) { totalCount } }",
      { o: { field: "CREATED", direction: "DESC", directon: "ASC" } },
      app.as(key),
    );
    for (const res of [inQuery, inVariables]) {
      expect(res.errors?.[0]?.message).toMatch(/CREATED/);
      expect(JSON.stringify(res.errors)).not.toMatch(/Did you mean/);
    }
  });
});

describe(`in development (${ENGINE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ graphiql: true, introspection: true });
  });
  afterAll(() => app?.close());

  it("serves GraphiQL and introspection", async () => {
    const page = await app.api.fetch("http://tandem.test/graphql", { headers: { accept: "text/html" } });
    expect(await page.text()).toMatch(/<html/i);
    const res = await app.gql("{ __schema { queryType { name } } }");
    expect(res.data.__schema.queryType.name).toBe("Query");
  });
});

describe(`persisted operations (${ENGINE})`, () => {
  let app: TestApp;
  let key: string;
  const dir = mkdtempSync(path.join(tmpdir(), "tandem-po-"));
  const known = "query Tenant { tenant { slug } }";
  beforeAll(async () => {
    const file = path.join(dir, "operations.json");
    writeFileSync(file, JSON.stringify([known]));
    app = await createTestApp({ persistedOperationsFile: file });
    key = await app.apiKey("po");
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (body: object) =>
    Promise.resolve(
      app.api.fetch("http://tandem.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...app.as(key) },
        body: JSON.stringify(body),
      }),
    ).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));

  it("runs a registered operation by hash or by its exact text", async () => {
    const byHash = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(known) } } });
    expect(byHash.json.data).toEqual({ tenant: { slug: "po" } });
    expect((await send({ query: known })).json.data).toEqual({ tenant: { slug: "po" } });
  });

  it("refuses anything else with a clear error", async () => {
    const ad = await send({ query: "{ me { permissions } }" });
    expect(ad.status).toBe(400);
    expect(ad.json.errors[0].message).toMatch(/Only persisted operations are accepted/);
    const unknown = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } });
    expect(unknown.json.errors[0].message).toMatch(/No persisted operation has hash/);
  });
});
