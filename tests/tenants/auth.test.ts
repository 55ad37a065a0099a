import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, TEST_PASSWORD, type TestApp } from "../support/app.js";

describe(`authentication (${ENGINE})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it("refuses an anonymous call to tenant data with UNAUTHENTICATED", async () => {
    const res = await app.gql("{ tenant { slug } }");
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(res.data).toBeNull();
  });

  it("refuses a malformed Authorization header with a message saying the expected form", async () => {
    const res = await app.gql("{ me { permissions } }", {}, { authorization: "Basic abc" });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(res.errors?.[0]?.message).toMatch(/Bearer/);
  });

  it("refuses an unknown API key and a forged operator token", async () => {
    const key = await app.gql("{ me { permissions } }", {}, app.as("tdm_notarealkey0000000000000000000000000000"));
    expect(key.status).toBe(401);
    expect(key.errors?.[0]?.message).toMatch(/API key is not valid/);
    const forged = await app.gql("{ me { permissions } }", {}, app.as("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"));
    expect(forged.status).toBe(401);
    expect(forged.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("logs in with the right password and refuses a wrong one as a typed error", async () => {
    await app.operator("login@bpo.test", { "auth-a": "AGENT" });
    const ok = await app.gql(
      `mutation($i: LoginInput!) { login(input: $i) { __typename ... on LoginSuccess { data { token operator { email } } } } }`,
      { i: { email: "LOGIN@bpo.test", password: TEST_PASSWORD } },
    );
    expect(ok.data.login.__typename).toBe("LoginSuccess");
    expect(ok.data.login.data.operator.email).toBe("login@bpo.test");

    const bad = await app.gql(
      `mutation($i: LoginInput!) { login(input: $i) { __typename ... on Error { message } } }`,
      { i: { email: "login@bpo.test", password: "wrong password" } },
    );
    expect(bad.data.login).toEqual({ __typename: "UnauthenticatedError", message: "Email or password is wrong." });

    const unknown = await app.gql(
      `mutation($i: LoginInput!) { login(input: $i) { __typename ... on Error { message } } }`,
      { i: { email: "nobody@bpo.test", password: "whatever-password" } },
    );
    expect(unknown.data.login.message).toBe(bad.data.login.message);
  });

  it("gives an operator token without X-Tenant their memberships but no tenant data", async () => {
    const token = await app.operator("multi@bpo.test", { "auth-a": "AGENT", "auth-b": "AUDITOR" });
    const me = await app.gql("{ me { operator { email } memberships { role tenant { slug } } tenant { slug } permissions } }", {}, app.as(token));
    expect(me.data.me.memberships).toEqual([
      { role: "AGENT", tenant: { slug: "auth-a" } },
      { role: "AUDITOR", tenant: { slug: "auth-b" } },
    ]);
    expect(me.data.me.tenant).toBeNull();
    const tenant = await app.gql("{ tenant { slug } }", {}, app.as(token));
    expect(tenant.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(tenant.errors?.[0]?.message).toMatch(/X-Tenant/);
  });

  it("refuses X-Tenant naming a tenant the operator does not serve, the same way whether it exists or not", async () => {
    const token = await app.operator("single@bpo.test", { "auth-a": "AGENT" });
    await app.tenant("auth-other");
    const existing = await app.gql("{ tenant { slug } }", {}, app.as(token, "auth-other"));
    const missing = await app.gql("{ tenant { slug } }", {}, app.as(token, "no-such-tenant"));
    expect(existing.status).toBe(403);
    expect(existing.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(missing.errors?.[0]?.message).toBe(existing.errors?.[0]?.message.replace("auth-other", "no-such-tenant"));
  });

  it("accepts X-Tenant by slug or by id", async () => {
    const token = await app.operator("byid@bpo.test", { "auth-a": "AGENT" });
    const { id } = await app.tenant("auth-a");
    const bySlug = await app.gql("{ tenant { slug } }", {}, app.as(token, "auth-a"));
    const byId = await app.gql("{ tenant { slug } }", {}, app.as(token, id));
    expect(bySlug.data.tenant.slug).toBe("auth-a");
    expect(byId.data.tenant.slug).toBe("auth-a");
  });

  it("refuses a revoked API key and an expired one", async () => {
    const secret = await app.apiKey("auth-a", ["FRONT_READ"]);
    expect((await app.gql("{ tenant { slug } }", {}, app.as(secret))).data.tenant.slug).toBe("auth-a");
    const [key] = (await app.services.directory.listApiKeys("auth-a")).filter((k) => secret.startsWith(k.prefix) && !k.revokedAt);
    await app.services.directory.revokeApiKey("auth-a", key!.id, { type: "SYSTEM" });
    const revoked = await app.gql("{ tenant { slug } }", {}, app.as(secret));
    expect(revoked.status).toBe(401);
    expect(revoked.errors?.[0]?.message).toMatch(/revoked/);

    const soon = await app.apiKey("auth-a", ["FRONT_READ"], new Date(Date.now() + 1500));
    expect((await app.gql("{ tenant { slug } }", {}, app.as(soon))).data.tenant.slug).toBe("auth-a");
    await new Promise((r) => setTimeout(r, 1600));
    const expired = await app.gql("{ tenant { slug } }", {}, app.as(soon));
    expect(expired.errors?.[0]?.message).toMatch(/expired/);
  });

  it("stores only a hash of API keys and records when a key was last used", async () => {
    const secret = await app.apiKey("auth-a", ["FRONT_READ"]);
    const rows = await app.services.database.prisma.apiKey.findMany({ where: { prefix: secret.slice(0, 10) } });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(secret.slice(4));
    expect(rows[0]!.lastUsedAt).toBeNull();
    await app.gql("{ tenant { slug } }", {}, app.as(secret));
    const after = await app.services.database.prisma.apiKey.findFirstOrThrow({ where: { id: rows[0]!.id } });
    expect(after.lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuses an API key used with X-Tenant naming another tenant", async () => {
    const secret = await app.apiKey("auth-a", ["FRONT_READ"]);
    await app.tenant("auth-b");
    const res = await app.gql("{ tenant { slug } }", {}, app.as(secret, "auth-b"));
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
