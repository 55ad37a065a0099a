// The `tandem` command: tenants, operators, memberships, API keys, migrations and
// demo data. Every command has --help, supports --json, and exits non-zero with a
// message that says what was wrong.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import type { ApiScope, Role } from "./generated/prisma/index.js";
import { ConfigError, loadConfig } from "./config.js";
import { DatabaseBusyError, openDatabase, type Database } from "./db/engine.js";
import { migrate, MigrationError } from "./db/migrator.js";
import { SYSTEM_ACTOR, type Actor } from "./domain/actor.js";
import { DomainError, ValidationError } from "./domain/errors.js";
import { createLogger } from "./logger.js";
import { seedDemo } from "./seed/demo.js";
import { createServices, type Services } from "./services.js";
import { SCOPE_NAMES, scopeName } from "./tenants/permissions.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Standard input, for --password-stdin. */
  readStdin: () => string;
}

const ROLES: Role[] = ["OWNER", "ADMIN", "AGENT", "BACK_OFFICE", "AUDITOR"];
const CLI_ACTOR: Actor = { type: "SYSTEM", name: "cli" };

class UsageError extends Error {}

/** Runs one command line; resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let services: Services | null = null;
  const open = async (): Promise<Services> => {
    if (services) return services;
    const config = loadConfig(io.env);
    const database: Database = await openDatabase(config.database);
    try {
      await migrate(database.sql);
    } catch (err) {
      await database.close();
      throw err;
    }
    services = createServices(config, createLogger("silent"), database);
    return services;
  };

  // With --json, errors are JSON too ({"error": {"code", "message", "field"?}} on stderr),
  // so scripts never parse prose; the exit code is the same either way.
  const json = argv.includes("--json");
  const program = buildProgram(io, open, json);
  const fail = (code: number, kind: string, message: string, field?: string): number => {
    io.stderr(json ? JSON.stringify({ error: { code: kind, message, ...(field ? { field } : {}) } }) + "\n" : `error${field ? ` (${field})` : ""}: ${message}\n`);
    return code;
  };
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version are not failures; commander already printed usage errors.
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help" ? 0 : 2;
    }
    if (err instanceof UsageError) return fail(2, "USAGE", err.message);
    if (err instanceof DomainError || err instanceof ConfigError || err instanceof MigrationError || err instanceof DatabaseBusyError) {
      return fail(1, errorCode(err), err.message, err instanceof ValidationError ? err.field : undefined);
    }
    return fail(1, "ERROR", (err as Error).message);
  } finally {
    const s = services as Services | null;
    if (s) {
      await s.events.close();
      await s.rateLimiter.close();
      await s.database.close();
    }
  }
}

/** The error's kind in --json output: the domain's code, or what failed. */
function errorCode(err: Error): string {
  if (err instanceof DomainError) return err.code;
  if (err instanceof ConfigError) return "CONFIG";
  if (err instanceof MigrationError) return "MIGRATION";
  return "DATABASE_BUSY";
}

function buildProgram(io: CliIo, open: () => Promise<Services>, jsonErrors: boolean): Command {
  const program = new Command("tandem")
    .description("Manage Tandem: tenants, operators, memberships, API keys, migrations and demo data.")
    .option("--json", "print machine-readable JSON (errors too, on stderr); allowed before or after the command")
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // Commander's own usage errors (a missing option, an unknown command).
      outputError: (text, write) =>
        write(jsonErrors ? JSON.stringify({ error: { code: "USAGE", message: text.replace(/^error: /, "").trim() } }) + "\n" : text),
    })
    // Every command's help lists --json as well.
    .configureHelp({ showGlobalOptions: true });
  if (!jsonErrors) program.showHelpAfterError("(run with --help for usage)");

  const json = () => Boolean(program.opts().json);
  const print = (human: string, data: unknown) =>
    io.stdout(json() ? JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n" : human + "\n");

  // ------------------------------------------------------------ tenant
  const tenant = program.command("tenant").description("Client tenants").exitOverride();
  tenant
    .command("create")
    .description("Create a tenant")
    .requiredOption("--slug <slug>", "short name used in X-Tenant, e.g. acme-insurance")
    .requiredOption("--name <name>", "display name")
    .option("--locale <locale>", "e.g. en, de, pt-BR", "en")
    .option("--time-zone <tz>", "IANA time zone, e.g. Europe/Berlin", "UTC")
    .exitOverride()
    .action(async (o) => {
      const s = await open();
      const t = await s.directory.createTenant({ slug: o.slug, name: o.name, settings: { locale: o.locale, timeZone: o.timeZone } });
      print(`Created tenant ${t.slug} (${t.name}), id ${t.id}`, { id: t.id, slug: t.slug, name: t.name });
    });
  tenant
    .command("list")
    .description("List tenants")
    .exitOverride()
    .action(async () => {
      const s = await open();
      const rows = await s.directory.listTenants();
      print(
        rows.length ? rows.map((t) => `${t.slug.padEnd(24)} ${t.id}  ${t.name}`).join("\n") : "No tenants yet.",
        rows.map((t) => ({ id: t.id, slug: t.slug, name: t.name, createdAt: t.createdAt })),
      );
    });

  // ------------------------------------------------------------ operator
  const operator = program.command("operator").description("BPO operators").exitOverride();
  operator
    .command("create")
    .description("Create an operator who can log in to the API")
    .requiredOption("--email <email>", "login email")
    .requiredOption("--name <name>", "display name")
    .option("--password <password>", "password (visible to other users of this machine: prefer --password-stdin)")
    .option("--password-stdin", "read the password from standard input")
    .option("--bpo-admin", "may manage tenants and operators")
    .exitOverride()
    .action(async (o) => {
      const password = o.passwordStdin ? io.readStdin().replace(/\r?\n$/, "") : o.password;
      if (!password) throw new UsageError("give a password with --password-stdin (or --password)");
      const s = await open();
      const op = await s.directory.createOperator({ email: o.email, name: o.name, password, isBpoAdmin: Boolean(o.bpoAdmin) });
      print(`Created operator ${op.email}, id ${op.id}`, { id: op.id, email: op.email, name: op.name, isBpoAdmin: op.isBpoAdmin });
    });

  // ------------------------------------------------------------ member
  const member = program.command("member").description("Operators' roles in tenants").exitOverride();
  member
    .command("add")
    .description("Give an operator a role in a tenant (or change it)")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--email <email>", "operator email")
    .addOption(new Option("--role <role>", "role in the tenant").choices(ROLES).makeOptionMandatory())
    .exitOverride()
    .action(async (o) => {
      const s = await open();
      const { membership, tenant: t, operator: op } = await s.directory.addMember(o.tenant, o.email, o.role, CLI_ACTOR);
      print(`${op.email} is ${membership.role} in ${t.slug}`, { tenant: t.slug, email: op.email, role: membership.role });
    });
  member
    .command("remove")
    .description("Remove an operator from a tenant")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--email <email>", "operator email")
    .exitOverride()
    .action(async (o) => {
      const s = await open();
      const { tenant: t, operator: op } = await s.directory.removeMember(o.tenant, o.email, CLI_ACTOR);
      print(`${op.email} removed from ${t.slug}`, { tenant: t.slug, email: op.email, removed: true });
    });

  // ------------------------------------------------------------ apikey
  const apikey = program.command("apikey").description("API keys for partner apps").exitOverride();
  apikey
    .command("create")
    .description("Create an API key; the secret is printed once")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--scopes <list>", `comma-separated: ${Object.keys(SCOPE_NAMES).join(", ")}`)
    .option("--name <name>", "what the key is for", "API key")
    .option("--expires <date>", "expiry as an ISO date, e.g. 2027-06-30")
    .exitOverride()
    .action(async (o) => {
      const scopes = parseScopes(o.scopes);
      const expiresAt = o.expires ? parseExpiry(o.expires) : null;
      const s = await open();
      const { apiKey, secret, tenant: t } = await s.directory.createApiKey(o.tenant, { name: o.name, scopes, expiresAt }, CLI_ACTOR);
      print(
        `Created API key ${apiKey.id} for ${t.slug} (${apiKey.scopes.map(scopeName).join(", ")}).\n` +
          `Secret (shown once, store it now):\n${secret}`,
        { id: apiKey.id, tenant: t.slug, name: apiKey.name, scopes: apiKey.scopes.map(scopeName), expiresAt: apiKey.expiresAt, secret },
      );
    });
  apikey
    .command("list")
    .description("List a tenant's API keys (never their secrets)")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .exitOverride()
    .action(async (o) => {
      const s = await open();
      const keys = await s.directory.listApiKeys(o.tenant);
      const view = keys.map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        scopes: k.scopes.map(scopeName),
        status: k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt <= new Date() ? "expired" : "active",
        expiresAt: k.expiresAt,
        lastUsedAt: k.lastUsedAt,
        createdAt: k.createdAt,
      }));
      print(
        view.length
          ? view.map((k) => `${k.id}  ${k.prefix}…  ${k.status.padEnd(7)}  ${k.scopes.join(",")}  ${k.name}`).join("\n")
          : "No API keys.",
        view,
      );
    });
  apikey
    .command("revoke")
    .description("Revoke an API key (running servers refuse it within 5 s, at once when they share REDIS_URL)")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .requiredOption("--id <id>", "key id (from `apikey list`)")
    .exitOverride()
    .action(async (o) => {
      const s = await open();
      const k = await s.directory.revokeApiKey(o.tenant, o.id, CLI_ACTOR);
      print(`Revoked API key ${k.id}`, { id: k.id, revokedAt: k.revokedAt });
    });

  // ------------------------------------------------------------ bot
  const bot = program.command("bot").description("Telegram bots (one per tenant)").exitOverride();
  bot
    .command("connect")
    .description("Connect a bot to a tenant, or replace its token (history is kept); the token is checked with getMe")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .option("--token <token>", "the bot token from @BotFather (visible to other users of this machine: prefer --token-stdin)")
    .option("--token-stdin", "read the token from standard input")
    .exitOverride()
    .action(async (o) => {
      const token = o.tokenStdin ? io.readStdin().trim() : o.token;
      if (!token) throw new UsageError("give the bot token with --token-stdin (or --token)");
      const s = await open();
      const b = await s.bots.connect(o.tenant, token, CLI_ACTOR);
      print(`Connected @${b.username} to ${o.tenant} (bot id ${b.id}). Webhook: <PUBLIC_URL>/telegram/${b.id}`, {
        id: b.id,
        tenant: o.tenant,
        username: b.username,
      });
    });
  bot
    .command("disconnect")
    .description("Disconnect a tenant's bot (its conversations and cases stay)")
    .requiredOption("--tenant <slug>", "tenant slug or id")
    .exitOverride()
    .action(async (o) => {
      const s = await open();
      await s.bots.disconnect(o.tenant, CLI_ACTOR);
      print(`Disconnected the bot of ${o.tenant}`, { tenant: o.tenant, disconnected: true });
    });
  bot
    .command("list")
    .description("List connected bots (never their tokens)")
    .exitOverride()
    .action(async () => {
      const s = await open();
      const rows = await s.bots.listInfo();
      print(rows.length ? rows.map((b) => `${b.tenant.padEnd(24)} @${b.username}  ${b.enabled ? "enabled" : "disconnected"}  ${b.id}`).join("\n") : "No bots.", rows);
    });

  // ------------------------------------------------------------ migrate, seed
  program
    .command("migrate")
    .description("Apply pending database migrations")
    .exitOverride()
    .action(async () => {
      const config = loadConfig(io.env);
      const database = await openDatabase(config.database);
      try {
        const result = await migrate(database.sql);
        print(
          result.applied.length ? `Applied ${result.applied.join(", ")}` : `Up to date (${result.alreadyApplied.length} migrations applied).`,
          result,
        );
      } finally {
        await database.close();
      }
    });
  program
    .command("seed")
    .description("Create demo data")
    .option("--demo", "the demo BPO: two tenants, operators, API keys and sample data")
    .exitOverride()
    .action(async (o) => {
      if (!o.demo) throw new UsageError("say which data to seed: `tandem seed --demo`");
      const s = await open();
      if ((await s.directory.findTenant("acme-insurance")) || (await s.directory.findTenant("globex-telecom"))) {
        throw new UsageError("demo data is already present (tenants acme-insurance / globex-telecom exist)");
      }
      const creds = await seedDemo(s);
      print(
        [
          "Demo data created. These secrets are shown once:",
          ...creds.operators.map((op) => `  operator ${op.email}  password: ${op.password}  (${op.roles})`),
          ...creds.apiKeys.map((k) => `  API key  ${k.tenant}: ${k.secret}`),
        ].join("\n"),
        creds,
      );
    });
  return program;
}

function parseScopes(list: string): ApiScope[] {
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError("--scopes needs at least one scope");
  return names.map((n) => {
    const scope = SCOPE_NAMES[n];
    if (!scope) throw new UsageError(`unknown scope "${n}"; use ${Object.keys(SCOPE_NAMES).join(", ")}`);
    return scope;
  });
}

function parseExpiry(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--expires must be an ISO date like 2027-06-30, got "${value}"`);
  return date;
}

// Run when executed as a program (not when imported by tests).
if (process.argv[1] && (fileURLToPath(import.meta.url) === process.argv[1] || process.argv[1].endsWith("/bin/tandem.js") || process.argv[1].endsWith("/tandem"))) {
  const code = await runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    readStdin: () => readFileSync(0, "utf8"),
  });
  process.exitCode = code;
}
