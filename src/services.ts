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
}

export function createServices(config: Config, logger: Logger, database: Database): Services {
  const scopes = new TenantScopes(database.prisma, { statementTimeoutMs: config.statementTimeoutMs, mode: config.tenantSettings });
  const directory = new Directory(database.prisma, scopes);
  const secrets = new SecretBox(config.authSecret);
  const events = createEventBus(config.redisUrl);
  return {
    config,
    logger,
    database,
    scopes,
    directory,
    auth: new Authenticator(database.prisma, scopes, config.authSecret, config.tokenTtl),
    secrets,
    events,
    rateLimiter: createRateLimiter(config.redisUrl),
    bots: new BotDirectory(database.prisma, scopes, directory, secrets, config.telegram.apiRoot, events),
  };
}
