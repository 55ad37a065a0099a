// Tenant and BPO administration through GraphQL: API keys, members, tenants, operators.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, ENGINE, type TestApp } from "../support/app.js";

describe(`administration (${ENGINE})`, () => {
  let app: TestApp;
  let owner: string;
  let agent: string;
  let bpo: string;

  beforeAll(async () => {
    app = await createTestApp();
    owner = await app.operator("owner@bpo.test", { "adm-a": "OWNER", "adm-b": "AGENT" });
    agent = await app.operator("agent@bpo.test", { "adm-a": "AGENT" });
    bpo = await app.operator("root@bpo.test", {}, { isBpoAdmin: true });
    await app.operator("newbie@bpo.test", {});
  });
  afterAll(() => app?.close());

  const create = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) {
    __typename ... on CreateApiKeySuccess { data { secret apiKey { id scopes prefix } } } ... on Error { message } } }`;

  it("lets an OWNER create, list and revoke API keys; the secret is shown once and works", async () => {
    const res = await app.gql(create, { i: { name: "CRM", scopes: ["FRONT_READ"] } }, app.as(owner, "adm-a"));
    const { secret, apiKey } = res.data.createApiKey.data;
    expect(apiKey.scopes).toEqual(["front:read"]);
    expect((await app.gql("{ tenant { slug } }", {}, app.as(secret))).data.tenant.slug).toBe("adm-a");

    const list = await app.gql("{ apiKeys { id prefix revokedAt } }", {}, app.as(owner, "adm-a"));
    expect(list.data.apiKeys.map((k: { id: string }) => k.id)).toContain(apiKey.id);
    expect(JSON.stringify(list.data)).not.toContain(secret);

    const revoke = await app.gql(
      `mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { __typename ... on RevokeApiKeySuccess { data { revokedAt } } } }`,
      { i: { id: apiKey.id } },
      app.as(owner, "adm-a"),
    );
    expect(revoke.data.revokeApiKey.data.revokedAt).toBeTruthy();
    expect((await app.gql("{ tenant { slug } }", {}, app.as(secret))).status).toBe(401);
  });

  it("refuses key management to an AGENT, and another tenant's key is not found", async () => {
    const denied = await app.gql(create, { i: { name: "x", scopes: ["FRONT_READ"] } }, app.as(agent, "adm-a"));
    expect(denied.data.createApiKey).toEqual({ __typename: "ForbiddenError", message: "Your role or API key scopes do not allow this." });
    // The same operator is AGENT in adm-b: no admin rights there either.
    expect((await app.gql("{ apiKeys { id } }", {}, app.as(owner, "adm-b"))).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    const otherKey = (await app.services.directory.createApiKey("adm-b", { name: "b", scopes: ["FRONT_READ"] }, { type: "SYSTEM" })).apiKey;
    const cross = await app.gql(
      `mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { __typename ... on Error { message } } }`,
      { i: { id: otherKey.id } },
      app.as(owner, "adm-a"),
    );
    expect(cross.data.revokeApiKey.__typename).toBe("NotFoundError");
    expect((await app.services.directory.listApiKeys("adm-b"))[0]!.revokedAt).toBeNull();
  });

  it("lets an OWNER manage members, but only owners grant the OWNER role", async () => {
    const add = `mutation($i: AddMemberInput!) { addMember(input: $i) { __typename
      ... on AddMemberSuccess { data { role operator { email } } } ... on Error { message } } }`;
    const added = await app.gql(add, { i: { email: "newbie@bpo.test", role: "ADMIN" } }, app.as(owner, "adm-a"));
    expect(added.data.addMember.data).toEqual({ role: "ADMIN", operator: { email: "newbie@bpo.test" } });

    const newbie = (await app.services.auth.login("newbie@bpo.test", "correct horse battery staple")).token;
    const escalate = await app.gql(add, { i: { email: "newbie@bpo.test", role: "OWNER" } }, app.as(newbie, "adm-a"));
    expect(escalate.data.addMember.__typename).toBe("ForbiddenError");
    const demoteOwner = await app.gql(add, { i: { email: "owner@bpo.test", role: "AGENT" } }, app.as(newbie, "adm-a"));
    expect(demoteOwner.data.addMember.__typename).toBe("ForbiddenError");

    const members = await app.gql("{ members { role operator { email } } }", {}, app.as(owner, "adm-a"));
    expect(members.data.members).toEqual(
      expect.arrayContaining([
        { role: "OWNER", operator: { email: "owner@bpo.test" } },
        { role: "ADMIN", operator: { email: "newbie@bpo.test" } },
      ]),
    );

    const removed = await app.gql(
      `mutation($i: RemoveMemberInput!) { removeMember(input: $i) { __typename } }`,
      { i: { email: "newbie@bpo.test" } },
      app.as(owner, "adm-a"),
    );
    expect(removed.data.removeMember.__typename).toBe("RemoveMemberSuccess");
    expect((await app.gql("{ tenant { slug } }", {}, app.as(newbie, "adm-a"))).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("lets only BPO administrators create tenants and operators", async () => {
    const mutation = `mutation($i: CreateTenantInput!) { createTenant(input: $i) { __typename
      ... on CreateTenantSuccess { data { slug locale timeZone } } ... on Error { message } ... on ValidationError { field } } }`;
    const denied = await app.gql(mutation, { i: { slug: "new-co", name: "New Co" } }, app.as(owner));
    expect(denied.data.createTenant.__typename).toBe("ForbiddenError");
    const ok = await app.gql(mutation, { i: { slug: "new-co", name: "New Co", timeZone: "Europe/Berlin" } }, app.as(bpo));
    expect(ok.data.createTenant.data).toEqual({ slug: "new-co", locale: "en", timeZone: "Europe/Berlin" });
    const dup = await app.gql(mutation, { i: { slug: "new-co", name: "Again" } }, app.as(bpo));
    expect(dup.data.createTenant.__typename).toBe("ConflictError");
    const badZone = await app.gql(mutation, { i: { slug: "zone-co", name: "Z", timeZone: "Mars/Olympus" } }, app.as(bpo));
    expect(badZone.data.createTenant).toMatchObject({ __typename: "ValidationError", field: "settings.timeZone" });

    const op = await app.gql(
      `mutation($i: CreateOperatorInput!) { createOperator(input: $i) { __typename ... on ValidationError { field message } } }`,
      { i: { email: "short@bpo.test", name: "Short", password: "short" } },
      app.as(bpo),
    );
    expect(op.data.createOperator).toMatchObject({ __typename: "ValidationError", field: "password" });
  });
});
