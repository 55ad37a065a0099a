// The long-lived parts one Tandem process is made of, built once at start and
// handed to the API (through its context), the CLI and the bots.
import type { Config } from "./config.js";
import type { Database } from "./db/engine.js";
import { createEventBus, type EventBus } from "./domain/events.js";
import { createRateLimiter, type RateLimiter } from "./api/rate-limiter.js";
import type { Logger } from "./logger.js";
import { Authenticator } from "./tenants/auth.js";
import { BotDirectory } from "./tenants/bots.js";
import { Directory } from "./tenants/directory.js";
import { TenantScopes } from "./tenants/scoped-db.js";
import { SecretBox } from "./tenants/secrets.js";

export interface Services {
  config: Config;
  logger: Logger;
  database: Database;
  scopes: TenantScopes;
  directory: Directory;
  auth: Authenticator;
  secrets: SecretBox;
  events: EventBus;
  rateLimiter: RateLimiter;
  bots: BotDirectory;
  /**
   * An API key of the tenant was revoked, a membership in it changed, or the tenant
   * changed: this process and every process on the same event bus forget the API keys
   * and operators they cached (see CREDENTIAL_CACHE_MS).
   */
  accessChanged(tenantId: string): void;
}

export function createServices(config: Config, logger: Logger, database: Database): Services {
  const scopes = new TenantScopes(database.prisma, { statementTimeoutMs: config.statementTimeoutMs, mode: config.tenantSettings, reads: database.reads });
  const directory = new Directory(database.prisma, scopes);
  const secrets = new SecretBox(config.authSecret);
  const events = createEventBus(config.redisUrl);
  const auth = new Authenticator(database.prisma, scopes, config.authSecret, config.tokenTtl);
  const accessChanged = (tenantId: string) => {
    auth.forgetCached();
    events.publish("access-changed", { tenantId });
  };
  directory.accessChanged = accessChanged;
  // Changes from other processes; the publishing process has forgotten its keys already.
  void (async () => {
    for await (const _change of events.subscribe("access-changed")) auth.forgetCached();
  })().catch((err) => logger.warn({ err: (err as Error).message }, "access-changed events stopped"));
  return {
    config,
    logger,
    database,
    scopes,
    directory,
    auth,
    secrets,
    events,
    rateLimiter: createRateLimiter(config.redisUrl),
    bots: new BotDirectory(database.prisma, scopes, directory, secrets, config.telegram.apiRoot, events),
    accessChanged,
  };
}
