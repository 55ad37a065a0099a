import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.js";
import { createTestDatabase, ENGINE, type TestDatabase } from "../support/database.js";

const exec = promisify(execFile);

describe(`tandem CLI (${ENGINE})`, () => {
  let db: TestDatabase;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "tandem-cli-"));
    db = await createTestDatabase();
    env =
      db.target.kind === "postgres"
        ? { DATABASE_URL: db.target.url, AUTH_SECRET: "cli-test-secret-cli-test-secret-0123456789", LOG_LEVEL: "silent" }
        : { DATA_DIR: dataDir, LOG_LEVEL: "silent" };
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function cli(args: string[], stdin = "") {
    let stdout = "";
    let stderr = "";
    const code = await runCli(args, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env,
      readStdin: () => stdin,
    });
    return { code, stdout, stderr };
  }

  it("manages tenants, operators, memberships and API keys end to end, with JSON output", async () => {
    expect((await cli(["tenant", "create", "--slug", "acme", "--name", "Acme Ltd"])).code).toBe(0);
    expect((await cli(["tenant", "create", "--slug", "globex", "--name", "Globex"])).code).toBe(0);
    const list = await cli(["--json", "tenant", "list"]);
    expect(JSON.parse(list.stdout).map((t: { slug: string }) => t.slug)).toEqual(["acme", "globex"]);

    const op = await cli(["operator", "create", "--email", "ops@bpo.test", "--name", "Ops", "--password-stdin"], "long enough password\n");
    expect(op.code).toBe(0);
    expect((await cli(["member", "add", "--tenant", "acme", "--email", "ops@bpo.test", "--role", "AGENT"])).code).toBe(0);
    const changed = await cli(["--json", "member", "add", "--tenant", "acme", "--email", "ops@bpo.test", "--role", "ADMIN"]);
    expect(JSON.parse(changed.stdout)).toEqual({ tenant: "acme", email: "ops@bpo.test", role: "ADMIN" });
    expect((await cli(["member", "remove", "--tenant", "acme", "--email", "ops@bpo.test"])).code).toBe(0);
    const again = await cli(["member", "remove", "--tenant", "acme", "--email", "ops@bpo.test"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Membership .* was not found/);

    const created = await cli(["--json", "apikey", "create", "--tenant", "acme", "--scopes", "front:read,back:write", "--name", "CRM"]);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key.secret).toMatch(/^tdm_[A-Za-z0-9]{40,}$/);
    expect(key.scopes).toEqual(["front:read", "back:write"]);

    const keys = JSON.parse((await cli(["--json", "apikey", "list", "--tenant", "acme"])).stdout);
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(keys)).not.toContain(key.secret);
    expect(keys[0].status).toBe("active");

    expect((await cli(["apikey", "revoke", "--tenant", "acme", "--id", key.id])).code).toBe(0);
    const revoked = JSON.parse((await cli(["--json", "apikey", "list", "--tenant", "acme"])).stdout);
    expect(revoked[0].status).toBe("revoked");
    // Another tenant's key id is simply not found there.
    const cross = await cli(["apikey", "revoke", "--tenant", "globex", "--id", key.id]);
    expect(cross.code).toBe(1);
    expect(cross.stderr).toMatch(/not found/);
  });

  it("exits non-zero with a clear message on bad input", async () => {
    const badSlug = await cli(["tenant", "create", "--slug", "Not A Slug", "--name", "x"]);
    expect(badSlug.code).toBe(1);
    expect(badSlug.stderr).toMatch(/slug/);
    const dup = await cli(["tenant", "create", "--slug", "acme", "--name", "again"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    const badRole = await cli(["member", "add", "--tenant", "acme", "--email", "ops@bpo.test", "--role", "KING"]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/Allowed choices are OWNER/);
    const badScope = await cli(["apikey", "create", "--tenant", "acme", "--scopes", "everything"]);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toMatch(/unknown scope "everything"/);
    const noTenant = await cli(["apikey", "list", "--tenant", "nope"]);
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toMatch(/Tenant "nope" was not found/);
    const shortPw = await cli(["operator", "create", "--email", "a@b.test", "--name", "A", "--password", "short"]);
    expect(shortPw.code).toBe(1);
    expect(shortPw.stderr).toMatch(/at least 10 characters/);
    const missing = await cli(["tenant", "create", "--slug", "x"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--name <name>'/);
    const pastExpiry = await cli(["apikey", "create", "--tenant", "acme", "--scopes", "front:read", "--expires", "2001-01-01"]);
    expect(pastExpiry.code).toBe(1);
    expect(pastExpiry.stderr).toMatch(/future/);
    // With --json (before or after the command), errors are JSON a script can read.
    const jsonBad = await cli(["tenant", "create", "--slug", "Not A Slug", "--name", "x", "--json"]);
    expect(jsonBad.code).toBe(1);
    expect(JSON.parse(jsonBad.stderr)).toEqual({ error: { code: "VALIDATION", field: "slug", message: expect.stringMatching(/slug/) } });
    const jsonMissing = await cli(["--json", "tenant", "create", "--slug", "x"]);
    expect(jsonMissing.code).toBe(2);
    expect(JSON.parse(jsonMissing.stderr)).toEqual({ error: { code: "USAGE", message: "required option '--name <name>' not specified" } });
    const jsonNotFound = await cli(["apikey", "list", "--tenant", "nope", "--json"]);
    expect(JSON.parse(jsonNotFound.stderr).error.code).toBe("NOT_FOUND");
  });

  it("migrates idempotently and seeds the demo once", async () => {
    const first = JSON.parse((await cli(["--json", "migrate"])).stdout);
    expect(first.applied).toEqual([]);
    expect(first.alreadyApplied.length).toBeGreaterThanOrEqual(2);
    const seeded = await cli(["--json", "seed", "--demo"]);
    expect(seeded.code).toBe(0);
    const creds = JSON.parse(seeded.stdout);
    expect(creds.apiKeys.map((k: { tenant: string }) => k.tenant)).toEqual(["acme-insurance", "globex-telecom"]);
    const twice = await cli(["seed", "--demo"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/already present/);
  });

  it("prints help for every command and runs as a real process through bin/tandem.js", async () => {
    for (const args of [["--help"], ["tenant", "create", "--help"], ["apikey", "create", "--help"], ["member", "add", "--help"]]) {
      const res = await cli(args);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/Usage: tandem/);
      expect(res.stdout).toMatch(/--json/);
    }
    const bin = path.resolve("bin/tandem.js");
    const ok = await exec(bin, ["--json", "tenant", "list"], { env: { ...process.env, ...env } });
    expect(JSON.parse(ok.stdout).map((t: { slug: string }) => t.slug)).toContain("acme");
    const failed = await exec(bin, ["apikey", "list", "--tenant", "nope"], { env: { ...process.env, ...env } }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Tenant "nope" was not found/);
  });
});
