import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/**
 * Tandem's own folder (where its package.json is), wherever it is run from: the
 * default data folder lives there, so `npx tandem` in another directory uses the
 * same embedded database as `npm start`.
 */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "tandem") return dir;
      } catch {
        // not ours; keep looking
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(from, ".."); // src/.. as a last resort
  }
}

/** The embedded database's folder when DATA_DIR is not set. */
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, ".data");

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional(),
  // A DATA_DIR that is given is relative to the current directory, like any path argument.
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  TOKEN_TTL: z
    .string()
    .regex(/^\d+[smhd]$/, "must be a duration like 30m, 12h or 7d")
    .default("12h"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").optional(),
  GRAPHIQL: z.enum(["true", "false"]).optional(),
  INTROSPECTION: z.enum(["true", "false"]).optional(),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  TENANT_SETTINGS: z.enum(["set_config", "set_local"]).default("set_config"),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
  LOGIN_ATTEMPTS_PER_15_MINUTES: z.coerce.number().int().min(1).default(10),
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional(),
  PUBLIC_URL: z.string().url("must be the public https URL Telegram reaches this server at").optional(),
  TELEGRAM_API_ROOT: z.string().url().default("https://api.telegram.org"),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(15_000),
  DEMO_SEED: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});

export interface Config {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  /**
   * Where the data is. On PostgreSQL, `statementTimeoutMs` bounds every statement of the
   * connections Tandem queries through (tenant-scoped transactions set the same limit
   * themselves; migrations run on their own connections, without it).
   */
  database: { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string; statementTimeoutMs?: number };
  dataDir: string;
  authSecret: string;
  logLevel: (typeof LOG_LEVELS)[number];
  tokenTtl: string;
  demoSeed: boolean;
  /** Shared state for several processes (events, rate limits, update de-duplication). */
  redisUrl?: string;
  graphiql: boolean;
  introspection: boolean;
  /** Take the client IP from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
  maxBodyBytes: number;
  statementTimeoutMs: number;
  /** How a tenant-scoped transaction gets its role and tenant: `set_config()` (default) or `SET LOCAL` (for Citus; see docs/scaling.md). */
  tenantSettings?: "set_config" | "set_local";
  rateLimit: { perCredential: number; perIp: number; windowMs: number; loginAttempts: number; loginWindowMs: number };
  /** When set, only the operations in this manifest are accepted. */
  persistedOperationsFile?: string;
  telegram: { apiRoot: string; publicUrl?: string };
  /** The LLM behind the front desk; without a key the offline answerer serves alone. */
  openai: { apiKey?: string; baseUrl?: string; model: string; timeoutMs: number };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and validates the environment; every problem is reported at once, by variable name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means "not set", as in most tools.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let authSecret = e.AUTH_SECRET;
  if (!authSecret) {
    if (e.DATABASE_URL) {
      throw new ConfigError(
        "Invalid configuration:\n  AUTH_SECRET: required when DATABASE_URL is set (at least 32 characters; e.g. `openssl rand -hex 32`)",
      );
    }
    authSecret = embeddedAuthSecret(dataDir);
  }
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, statementTimeoutMs: e.STATEMENT_TIMEOUT_MS }
      : { kind: "pglite", dataDir: path.join(dataDir, "pglite") },
    dataDir,
    authSecret,
    logLevel: e.LOG_LEVEL,
    tokenTtl: e.TOKEN_TTL,
    demoSeed: e.DEMO_SEED,
    redisUrl: e.REDIS_URL,
    // Production hides the playground and the schema unless asked for.
    graphiql: e.GRAPHIQL ? e.GRAPHIQL === "true" : e.NODE_ENV !== "production",
    introspection: e.INTROSPECTION ? e.INTROSPECTION === "true" : e.NODE_ENV !== "production",
    trustProxy: e.TRUST_PROXY === "true",
    maxBodyBytes: e.MAX_BODY_BYTES,
    statementTimeoutMs: e.STATEMENT_TIMEOUT_MS,
    tenantSettings: e.TENANT_SETTINGS,
    rateLimit: {
      perCredential: e.RATE_LIMIT_PER_MINUTE,
      perIp: e.RATE_LIMIT_IP_PER_MINUTE,
      windowMs: 60_000,
      loginAttempts: e.LOGIN_ATTEMPTS_PER_15_MINUTES,
      loginWindowMs: 15 * 60_000,
    },
    persistedOperationsFile: e.PERSISTED_OPERATIONS_FILE,
    telegram: { apiRoot: e.TELEGRAM_API_ROOT.replace(/\/$/, ""), publicUrl: e.PUBLIC_URL?.replace(/\/$/, "") },
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL, timeoutMs: e.OPENAI_TIMEOUT_MS },
  };
}

/** The embedded setup keeps a generated secret next to its data, so tokens survive restarts. */
function embeddedAuthSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  return secret;
}
