import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_DATA_DIR, loadConfig, PROJECT_ROOT } from "../src/config.js";
import { createLogger } from "../src/logger.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECRET = "s".repeat(40);

describe("configuration", () => {
  it("defaults to the embedded database with a generated, persisted AUTH_SECRET", () => {
    const dir = `/tmp/tandem-config-${process.pid}-${Date.now()}`;
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.database).toEqual({ kind: "pglite", dataDir: `${dir}/pglite` });
    expect(first.authSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ DATA_DIR: dir }).authSecret).toBe(first.authSecret);
  });

  it("reports every invalid variable at once, by name", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL: must be a postgresql:\/\/ connection URL/);
    expect(message).toMatch(/LOG_LEVEL/);
  });

  it("keeps the embedded data in the Tandem folder by default, whatever the current directory", async () => {
    expect(PROJECT_ROOT).toBe(REPO);
    expect(DEFAULT_DATA_DIR).toBe(path.join(REPO, ".data"));
    // AUTH_SECRET given, so nothing is written into the real data folder.
    expect(loadConfig({ AUTH_SECRET: SECRET }).dataDir).toBe(path.join(REPO, ".data"));
    expect(loadConfig({ AUTH_SECRET: SECRET }).database).toEqual({ kind: "pglite", dataDir: path.join(REPO, ".data", "pglite") });
    // A process started in another directory (as `npx tandem` there would be) finds the same folder.
    const elsewhere = mkdtempSync(path.join(tmpdir(), "tandem-cwd-"));
    try {
      const script = `import(${JSON.stringify(path.join(REPO, "src/config.ts"))}).then((m) => console.log(m.loadConfig({ AUTH_SECRET: ${JSON.stringify(SECRET)} }).dataDir))`;
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", pathToFileURL(path.join(REPO, "node_modules/tsx/dist/loader.mjs")).href, "-e", script], { cwd: elsewhere });
      expect(stdout.trim()).toBe(path.join(REPO, ".data"));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    // A DATA_DIR that is given is taken relative to the current directory, like any path.
    expect(loadConfig({ AUTH_SECRET: SECRET, DATA_DIR: "rel/data" }).dataDir).toBe(path.resolve("rel/data"));
  });

  it("requires AUTH_SECRET with DATABASE_URL", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgresql://localhost/tandem" })).toThrow(/AUTH_SECRET: required when DATABASE_URL is set/);
    expect(() => loadConfig({ DATABASE_URL: "postgresql://localhost/tandem", AUTH_SECRET: "short" })).toThrow(/at least 32 characters/);
  });
});

describe("logs", () => {
  function capture() {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    return { logger: createLogger("info", sink), lines: () => out.trim().split("\n").map((l) => JSON.parse(l)), text: () => out };
  }

  it("never contain passwords, tokens, secrets or authorization headers", () => {
    const { logger, text } = capture();
    logger.info({ password: "hunter2hunter2", token: "123:ABC", headers: { authorization: "Bearer tdm_secret" }, input: { password: "p4ss" } }, "x");
    logger.info({ req: { headers: { authorization: "Bearer eyJ", cookie: "s=1" } }, botToken: "999:XYZ" }, "y");
    expect(text()).not.toMatch(/hunter2|123:ABC|tdm_secret|eyJ|999:XYZ|s=1/);
    expect(text()).toMatch(/\[redacted\]/);
  });

  it("redacts secrets at any depth, under any spelling of the key, in arrays, and inside strings", () => {
    const { logger, text, lines } = capture();
    const botToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    const payload = {
      a: { b: { c: { d: { e: { f: { password: "deep-password-1", Authorization: "Bearer deep-bearer-2", keep: "visible-1" } } } } } },
      list: [{ items: [{ apiKey: "tdm_deepkey3" }, { "x-api-key": "header-key-4" }, { webhookSecret: "hook-secret-5" }] }],
      request: { headers: { "X-Telegram-Bot-Api-Secret-Token": "tg-secret-6", Cookie: "sid=cookie-7" }, url: `https://api.telegram.org/bot${botToken}/getUpdates?offset=1` },
      config: { OPENAI_API_KEY: "sk-openai-key-8", DATABASE_URL: "postgresql://tandem:db-password-9@db.internal:5432/tandem", authSecret: "auth-secret-10" },
      bot: { tokenCiphertext: "cipher-11", passwordHash: "$argon2id$hash-12" },
      note: `user pasted ${jwt} and tdm_freeform13 and Bearer opaque-token-14-abcdef`,
      usage: { total_tokens: 42, prompt_tokens: 40 },
    };
    const snapshot = JSON.stringify(payload);
    logger.info(payload, "calling https://api.telegram.org/bot%s/sendMessage", botToken);
    logger.warn(`fetch failed: https://api.telegram.org/bot${botToken}/getMe`);
    logger.error(new Error(`request to https://api.telegram.org/bot${botToken}/setWebhook failed, key tdm_inerror15`));
    logger.error({ err: Object.assign(new Error("wrapped"), { config: { headers: { Authorization: "Bearer in-error-16-abcdef" } } }) }, "boom");
    logger.child({ apiKey: "tdm_childbinding17", tenant: "acme" }).info({ nested: { refreshToken: "refresh-18" } }, "child");

    for (const secret of [
      "deep-password-1", "deep-bearer-2", "tdm_deepkey3", "header-key-4", "hook-secret-5", "tg-secret-6", "cookie-7", botToken,
      "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", "sk-openai-key-8", "db-password-9", "auth-secret-10", "cipher-11", "hash-12", jwt,
      "tdm_freeform13", "opaque-token-14", "tdm_inerror15", "in-error-16", "tdm_childbinding17", "refresh-18",
    ]) {
      expect(text(), secret).not.toContain(secret);
    }
    // What is not a secret stays readable, and the caller's object is not changed.
    const [first] = lines();
    expect(first.a.b.c.d.e.f.keep).toBe("visible-1");
    expect(first.usage).toEqual({ total_tokens: 42, prompt_tokens: 40 });
    expect(first.request.url).toBe("https://api.telegram.org/bot[redacted]/getUpdates?offset=1");
    expect(first.config.DATABASE_URL).toBe("postgresql://tandem:[redacted]@db.internal:5432/tandem");
    expect(first.msg).toBe("calling https://api.telegram.org/bot[redacted]/sendMessage");
    expect(JSON.stringify(payload)).toBe(snapshot);
    const errorLine = lines()[2];
    expect(errorLine.err.message).toContain("/bot[redacted]/setWebhook");
    expect(errorLine.msg).toContain("/bot[redacted]/setWebhook");
    expect(lines()[4].tenant).toBe("acme");
  });

  it("survives cycles and very deep objects", () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = { name: "loop", password: "cycle-pw" };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { token: "bottom-token" };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    logger.info({ cyclic, deep }, "odd shapes");
    const line = JSON.stringify(lines()[0]);
    expect(line).not.toMatch(/cycle-pw|bottom-token/);
    expect(line).toContain("[circular]");
  });
});
