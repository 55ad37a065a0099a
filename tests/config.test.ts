import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";

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

  it("requires AUTH_SECRET with DATABASE_URL", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgresql://localhost/tandem" })).toThrow(/AUTH_SECRET: required when DATABASE_URL is set/);
    expect(() => loadConfig({ DATABASE_URL: "postgresql://localhost/tandem", AUTH_SECRET: "short" })).toThrow(/at least 32 characters/);
  });
});

describe("logs", () => {
  it("never contain passwords, tokens, secrets or authorization headers", () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = createLogger("info", sink);
    logger.info({ password: "hunter2hunter2", token: "123:ABC", headers: { authorization: "Bearer tdm_secret" }, input: { password: "p4ss" } }, "x");
    logger.info({ req: { headers: { authorization: "Bearer eyJ", cookie: "s=1" } }, botToken: "999:XYZ" }, "y");
    expect(out).not.toMatch(/hunter2|123:ABC|tdm_secret|eyJ|999:XYZ|s=1/);
    expect(out).toMatch(/\[redacted\]/);
  });
});
