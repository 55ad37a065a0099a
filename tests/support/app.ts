// A whole Tandem (services + GraphQL API) on a fresh test database, driven through
// yoga.fetch so authentication, tenant resolution and limits run in every test.
import type { ApiScope, Role } from "../../src/generated/prisma/index.js";
import type { Config } from "../../src/config.js";
import { SYSTEM_ACTOR } from "../../src/domain/actor.js";
import { createLogger } from "../../src/logger.js";
import { createApi, type Api } from "../../src/server.js";
import { createServices, type Services } from "../../src/services.js";
import { openTestDatabase, ENGINE } from "./database.js";

export { ENGINE };

export interface GqlResult<T = any> {
  status: number;
  data: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown }; path?: (string | number)[] }[];
}

export interface TestApp {
  services: Services;
  api: Api;
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  /** A tenant with the given slug. */
  tenant(slug: string): Promise<{ id: string; slug: string }>;
  /** An API key secret for the tenant with the given scopes. */
  apiKey(slug: string, scopes?: ApiScope[], expiresAt?: Date): Promise<string>;
  /** An operator with roles in tenants; returns a bearer token. */
  operator(email: string, roles: Record<string, Role>, opts?: { isBpoAdmin?: boolean }): Promise<string>;
  /** Headers for an API key, or for an operator token acting in a tenant. */
  as(credential: string, tenantSlug?: string): Record<string, string>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = "correct horse battery staple";
export const ALL_SCOPES: ApiScope[] = ["FRONT_READ", "FRONT_WRITE", "BACK_READ", "BACK_WRITE", "ADMIN"];

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    nodeEnv: "test",
    port: 0,
    host: "127.0.0.1",
    database: { kind: "pglite", dataDir: "memory://" },
    dataDir: "/tmp/tandem-test",
    authSecret: "test-secret-test-secret-test-secret-0123456789",
    logLevel: "silent",
    tokenTtl: "1h",
    demoSeed: false,
    graphiql: false,
    introspection: true,
    trustProxy: false,
    maxBodyBytes: 1_048_576,
    statementTimeoutMs: 5_000,
    // Generous: tests that are not about limits must never meet them.
    rateLimit: { perCredential: 100_000, perIp: 100_000, windowMs: 60_000, loginAttempts: 1_000, loginWindowMs: 900_000 },
    telegram: { apiRoot: "http://127.0.0.1:9" },
    openai: { model: "test-model", timeoutMs: 2_000 },
    ...overrides,
  };
}

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const { database, drop } = await openTestDatabase();
  const config = testConfig(overrides);
  const services = createServices(config, createLogger("silent"), database);
  const api = createApi(services);

  const app: TestApp = {
    services,
    api,
    async gql(query, variables, headers = {}) {
      const res = await api.fetch("http://tandem.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data: any; errors?: GqlResult["errors"] };
      return { status: res.status, data: body.data, errors: body.errors };
    },
    async tenant(slug) {
      const existing = await services.directory.findTenant(slug);
      const t = existing ?? (await services.directory.createTenant({ slug, name: slug.toUpperCase() }));
      return { id: t.id, slug: t.slug };
    },
    async apiKey(slug, scopes = ALL_SCOPES, expiresAt) {
      await app.tenant(slug);
      return (await services.directory.createApiKey(slug, { name: `test key`, scopes, expiresAt }, SYSTEM_ACTOR)).secret;
    },
    async operator(email, roles, opts) {
      await services.directory.createOperator({ email, name: email.split("@")[0]!, password: TEST_PASSWORD, isBpoAdmin: opts?.isBpoAdmin });
      for (const [slug, role] of Object.entries(roles)) {
        await app.tenant(slug);
        await services.directory.addMember(slug, email, role, SYSTEM_ACTOR);
      }
      return (await services.auth.login(email, TEST_PASSWORD)).token;
    },
    as(credential, tenantSlug) {
      return { authorization: `Bearer ${credential}`, ...(tenantSlug ? { "x-tenant": tenantSlug } : {}) };
    },
    async close() {
      await services.events.close();
      await services.rateLimiter.close();
      await drop();
    },
  };
  return app;
}

/** Encodes a Relay global id the way the API does. */
export function globalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString("base64");
}
