// What a hostile or careless client meets: query limits, body size, CSRF, rate limits, login throttling.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { clientIp } from "../../src/api/request-id.js";
import { QUERY_LIMITS } from "../../src/server.js";
import { createTestApp, ENGINE, TEST_PASSWORD, type TestApp } from "../support/app.js";

async function post(app: TestApp, body: string, headers: Record<string, string> = {}) {
  const res = await app.api.fetch("http://tandem.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

describe(`query limits (${ENGINE})`, () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await createTestApp();
    key = await app.apiKey("limits");
  });
  afterAll(() => app?.close());

  it("refuses a query deeper than the limit, naming the limit", async () => {
    let selection = "id";
    for (let i = 0; i < QUERY_LIMITS.maxDepth + 2; i++) selection = `mergedInto { ${selection} }`;
    const res = await app.gql(`{ node(id: "Q29udGFjdDp4") { ... on Contact { ${selection} } } }`, {}, app.as(key));
    expect(res.errors?.[0]?.message).toMatch(/depth/i);
    expect(res.data ?? null).toBeNull();
  });

  it("refuses too many aliases", async () => {
    const fields = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { permissions }`).join(" ");
    const res = await app.gql(`{ ${fields} }`, {}, app.as(key));
    expect(res.errors?.[0]?.message).toMatch(/aliases/i);
  });

  it("refuses too many directives", async () => {
    const directives = Array.from({ length: QUERY_LIMITS.maxDirectives + 1 }, () => "@include(if: true)").join(" ");
    const res = await app.gql(`{ me ${directives} { permissions } }`, {}, app.as(key));
    expect(res.errors?.[0]?.message).toMatch(/directives/i);
  });

  it("refuses a document with too many tokens", async () => {
    const fields = Array.from({ length: QUERY_LIMITS.maxTokens }, () => "permissions").join(" ");
    const res = await app.gql(`{ me { ${fields} } }`, {}, app.as(key));
    expect(res.errors?.[0]?.message).toMatch(/token/i);
  });

  it("refuses a query whose cost is over the limit", async () => {
    // Depth, aliases and tokens within their limits, but thousands of fields deep down add up.
    let selection = Array.from({ length: 250 }, () => "name email phone locale tags createdAt updatedAt id").join(" ");
    for (let i = 0; i < 9; i++) selection = `mergedInto { ${selection} }`;
    const res = await app.gql(`{ node(id: "Q29udGFjdDp4") { ... on Contact { ${selection} } } }`, {}, app.as(key));
    expect(res.errors?.[0]?.message).toMatch(/cost/i);
  });

  it("lets the largest documented page through: queue(first: 100) with contact, assignee and the last messages", async () => {
    const op = await app.operator("cost@limits.test", { limits: "AGENT" });
    const q = `{ queue(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id number subject status priority slaBreached
      tenant { slug name } contact { id name email } assignee { id email name } messages(last: 3) { totalCount edges { node { id body author internal createdAt } } } } } } }`;
    const res = await app.gql(q, {}, app.as(op));
    expect(res.errors).toBeUndefined();
  });

  it("lets an ordinary query through the limits", async () => {
    const res = await app.gql("{ me { tenant { slug slaPolicy { priority firstResponseMinutes } } permissions } }", {}, app.as(key));
    expect(res.errors).toBeUndefined();
  });

  it("refuses a body over the size limit with 413", async () => {
    const big = JSON.stringify({ query: "{ me { permissions } }", variables: { pad: "x".repeat(1_100_000) } });
    const res = await post(app, big, app.as(key));
    expect(res.status).toBe(413);
    expect(res.json.errors[0].message).toMatch(/larger than 1048576 bytes/);
  });

  it("refuses a chunked body over the size limit with 413 too, reading no more than the limit", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit if it were all read.
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await app.api.fetch("http://tandem.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...app.as(key) },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].message).toMatch(/larger than 1048576 bytes/);
    expect(sent).toBeLessThan(2 * 1048576);
  });

  it("serves GraphQL at /graphql only: look-alike paths get 404 and run nothing", async () => {
    const body = JSON.stringify({ query: "{ me { permissions } }" });
    for (const url of ["http://tandem.test/graphql/", "http://tandem.test/x/graphql", "http://tandem.test/?a=/graphql", "http://tandem.test/GRAPHQL"]) {
      const res = await app.api.fetch(url, { method: "POST", headers: { "content-type": "application/json", ...app.as(key) }, body });
      expect([url, res.status]).toEqual([url, 404]);
      expect(((await res.json()) as any).errors[0].message).toMatch(/GraphQL is at \/graphql/);
    }
    expect((await app.api.fetch("http://tandem.test/healthz")).status).toBe(200);
  });

  it("refuses a cross-site-style POST (simple content type) before running anything", async () => {
    const res = await app.api.fetch("http://tandem.test/graphql", {
      method: "POST",
      headers: { "content-type": "text/plain", ...app.as(key) },
      body: JSON.stringify({ query: "mutation { login(input: {email: \"a@b.c\", password: \"x\"}) { __typename } }" }),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as any).errors[0].message).toMatch(/application\/json/);
  });

  it("returns a request id on every response, echoing a sane X-Request-Id", async () => {
    const own = await post(app, JSON.stringify({ query: "{ me { permissions } }" }), { ...app.as(key), "x-request-id": "trace-123" });
    expect(own.headers.get("x-request-id")).toBe("trace-123");
    const made = await post(app, JSON.stringify({ query: "{ me { permissions } }" }), { "x-request-id": "bad id with spaces" });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("masks unexpected errors and gives the client the request id that the log has", async () => {
    const spy = vi.spyOn(app.services.auth, "login").mockRejectedValueOnce(new Error("secret internal detail"));
    const logged = vi.spyOn(app.services.logger, "error");
    try {
      const res = await post(
        app,
        JSON.stringify({ query: `mutation { login(input: {email: "x@y.z", password: "whatever"}) { __typename } }` }),
        { "x-request-id": "req-masked-1" },
      );
      const error = res.json.errors[0];
      expect(error.message).not.toMatch(/secret internal detail/);
      expect(error.extensions).toMatchObject({ code: "INTERNAL_SERVER_ERROR", requestId: "req-masked-1" });
      expect(logged.mock.calls.some(([obj]) => (obj as { requestId?: string }).requestId === "req-masked-1")).toBe(true);
    } finally {
      spy.mockRestore();
      logged.mockRestore();
    }
  });
});

describe(`rate limits (${ENGINE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      rateLimit: { perCredential: 3, perIp: 8, windowMs: 60_000, loginAttempts: 3, loginWindowMs: 900_000 },
    });
  });
  afterAll(() => app?.close());

  it("limits each API key, with RateLimit headers and Retry-After", async () => {
    const key = await app.apiKey("rl-a", ["FRONT_READ"]);
    const other = await app.apiKey("rl-a", ["FRONT_READ"]);
    const body = JSON.stringify({ query: "{ me { permissions } }" });
    const first = await post(app, body, app.as(key));
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-limit")).toBe("3");
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    await post(app, body, app.as(key));
    await post(app, body, app.as(key));
    const refused = await post(app, body, app.as(key));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.json.errors[0]).toMatchObject({ extensions: { code: "RATE_LIMITED" } });
    expect(refused.json.errors[0].message).toMatch(/Too many requests/);
    // Spelling the same key differently buys no new budget.
    for (const spelling of [`bearer ${key}`, `Bearer   ${key}  `, `BEARER ${key}`]) {
      expect((await post(app, body, { authorization: spelling })).status).toBe(429);
    }
    // Another key has its own budget (the IP's is larger).
    expect((await post(app, body, app.as(other))).status).toBe(200);
  });

  it("limits each IP across credentials", async () => {
    const body = JSON.stringify({ query: "{ __typename }" });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(app, body)).status);
    // 8 requests were already made from this address in the previous test; the IP limit is 8.
    expect(statuses).toEqual([429, 429, 429, 429]);
  });
});

describe(`login throttling (${ENGINE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      rateLimit: { perCredential: 1000, perIp: 1000, windowMs: 60_000, loginAttempts: 3, loginWindowMs: 900_000 },
    });
    await app.operator("throttle@bpo.test", { "th-a": "AGENT" });
  });
  afterAll(() => app?.close());

  const login = (app: TestApp, password: string) =>
    app.gql(`mutation($i: LoginInput!) { login(input: $i) { __typename ... on Error { message } ... on RateLimitedError { retryAfterSeconds } } }`, {
      i: { email: "throttle@bpo.test", password },
    });

  it("refuses an account after repeated failures, even with the right password, until the window passes", async () => {
    for (let i = 0; i < 3; i++) expect((await login(app, "wrong password")).data.login.__typename).toBe("UnauthenticatedError");
    const blocked = await login(app, TEST_PASSWORD);
    expect(blocked.data.login.__typename).toBe("RateLimitedError");
    expect(blocked.data.login.message).toMatch(/Too many failed logins; try again in 15 minutes/);
    expect(blocked.data.login.retryAfterSeconds).toBeGreaterThan(800);
  });

  it("clears an account's count when its owner logs in", async () => {
    await app.operator("forgetful@bpo.test", { "th-a": "AGENT" });
    const as = (password: string) =>
      app.gql(`mutation($i: LoginInput!) { login(input: $i) { __typename } }`, { i: { email: "forgetful@bpo.test", password } }).then((r) => r.data.login.__typename);
    expect(await as("wrong password")).toBe("UnauthenticatedError");
    expect(await as("wrong password")).toBe("UnauthenticatedError");
    expect(await as(TEST_PASSWORD)).toBe("LoginSuccess");
    expect(await as("wrong password")).toBe("UnauthenticatedError");
    expect(await as("wrong password")).toBe("UnauthenticatedError");
    expect(await as(TEST_PASSWORD)).toBe("LoginSuccess");
  });

  it("counts guesses sent in parallel: no more than the limit reach the password check", async () => {
    // (The IP's budget, five accounts' worth, has 5 attempts left after the tests above.)
    await app.operator("parallel@bpo.test", { "th-a": "AGENT" });
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        app.gql(`mutation($i: LoginInput!) { login(input: $i) { __typename } }`, { i: { email: "parallel@bpo.test", password: "wrong password" } }),
      ),
    );
    const kinds = results.map((r) => r.data.login.__typename);
    expect(kinds.filter((k) => k === "UnauthenticatedError")).toHaveLength(3);
    expect(kinds.filter((k) => k === "RateLimitedError")).toHaveLength(9);
  });
});

describe("client address behind a proxy", () => {
  const socket = { req: { socket: { remoteAddress: "10.0.0.2" } } };
  const request = (xff?: string) => new Request("http://tandem.test/graphql", { headers: xff ? { "x-forwarded-for": xff } : {} });

  it("takes the entry the trusted proxy appended, not one the client wrote", () => {
    expect(clientIp(request("6.6.6.6, 203.0.113.7"), socket, true)).toBe("203.0.113.7");
    expect(clientIp(request("203.0.113.7"), socket, true)).toBe("203.0.113.7");
    expect(clientIp(request(), socket, true)).toBe("10.0.0.2");
  });

  it("ignores X-Forwarded-For without a trusted proxy", () => {
    expect(clientIp(request("6.6.6.6"), socket, false)).toBe("10.0.0.2");
  });
});
