// Start: config → database (migrated) → demo data on first start → API server.
import { loadConfig, ConfigError } from "./config.js";
import { DatabaseBusyError, openDatabase } from "./db/engine.js";
import { migrate } from "./db/migrator.js";
import { createLogger } from "./logger.js";
import { seedDemoIfEmpty, type DemoCredentials } from "./seed/demo.js";
import { createApi, startHttpServer } from "./server.js";
import { createServices } from "./services.js";
import { BotRegistry } from "./bot/registry.js";

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  // Milliseconds since the process started, per step, for the "listening" log line and the benchmark.
  const startup: Record<string, number> = { modules: Math.round(performance.now()) };
  const step = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
    const began = performance.now();
    const result = await run();
    startup[name] = Math.round(performance.now() - began);
    return result;
  };
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await step("database", () => openDatabase(config.database));
  const migrations = await step("migrations", () => migrate(database.sql));
  logger.info({ engine: database.kind, applied: migrations.applied }, "database ready");
  const services = createServices(config, logger, database);

  const demo = config.demoSeed ? await step("demo", () => seedDemoIfEmpty(services)) : null;
  const registry = new BotRegistry(services);
  const api = await step("api", () => createApi(services, registry));
  const server = await step("listen", () => startHttpServer(api, config.port, config.host));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info({ startupMs: { ...startup, total: Math.round(performance.now()) } }, "listening");
  await registry.start().catch((err) => logger.error({ err: (err as Error).message }, "bots could not start; the API runs without them"));
  printWelcome(`http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`, database.kind, config.dataDir, demo);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal: the operator does not want to wait.
      logger.warn({ signal }, "stopping now, without waiting for work in flight");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down: no new connections, finishing requests and bot updates in flight");
    // Nothing may keep the process from exiting: after the grace period for requests and
    // as long again for bot turns and closing, it exits anyway.
    const deadline = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, 2 * SHUTDOWN_GRACE_MS);
    deadline.unref();
    // Force-close what is still open after the grace period (e.g. long-lived SSE subscriptions).
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(force);
    let clean = true;
    // Each step runs even when one before it failed: the database is always closed.
    for (const [name, step] of [
      ["bots", () => registry.stop()],
      ["events", () => services.events.close()],
      ["rate limiter", () => services.rateLimiter.close()],
      ["database", () => database.close()],
    ] as const) {
      try {
        await step();
      } catch (err) {
        clean = false;
        logger.error({ err: (err as Error).message }, `closing the ${name} failed`);
      }
    }
    logger.info("stopped");
    process.exit(clean ? 0 : 1);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

function printWelcome(url: string, engine: string, dataDir: string, demo: DemoCredentials | null): void {
  const lines = [
    "",
    `Tandem is running on ${engine === "pglite" ? `the embedded database (${dataDir})` : "PostgreSQL"}.`,
    `  GraphiQL:  ${url}/graphql`,
    `  Health:    ${url}/healthz   Readiness: ${url}/readyz`,
  ];
  if (demo) {
    lines.push(
      "",
      "Demo data was created. These secrets are shown once — keep them now:",
      ...demo.operators.map((o) => `  operator  ${o.email}  password: ${o.password}   (${o.roles})`),
      ...demo.apiKeys.map((k) => `  API key   ${k.tenant}: ${k.secret}   (${k.scopes})`),
      "",
      "Operators: run the `login` mutation, then send `Authorization: Bearer <token>` and `X-Tenant: <slug>`.",
      "Partner apps: send `Authorization: Bearer <API key>`.",
    );
  } else {
    lines.push(
      "",
      "Using existing data. Demo credentials were printed on the first start;",
      "create new ones with `npx tandem apikey create --tenant <slug> --scopes front:read,front:write`.",
    );
  }
  process.stdout.write(lines.join("\n") + "\n\n");
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DatabaseBusyError) {
    process.stderr.write(err.message + "\n");
  } else {
    process.stderr.write(`Tandem failed to start: ${(err as Error).stack ?? err}\n`);
  }
  process.exit(1);
});
