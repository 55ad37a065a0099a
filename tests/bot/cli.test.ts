import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.js";
import { createTestDatabase, ENGINE, type TestDatabase } from "../support/database.js";
import { FakeTelegram } from "../support/fake-telegram.js";

const TOKEN = "333333:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

describe(`tandem bot (${ENGINE})`, () => {
  let db: TestDatabase;
  let telegram: FakeTelegram;
  let env: NodeJS.ProcessEnv;
  const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-bot-cli-"));

  beforeAll(async () => {
    telegram = new FakeTelegram();
    await telegram.start();
    telegram.addBot(TOKEN, { id: 333333, username: "cli_bot" });
    db = await createTestDatabase();
    env = {
      TELEGRAM_API_ROOT: telegram.url,
      ...(db.target.kind === "postgres" ? { DATABASE_URL: db.target.url, AUTH_SECRET: "bot-cli-secret-bot-cli-secret-0123456789" } : { DATA_DIR: dataDir }),
    };
  });
  afterAll(async () => {
    await db?.drop();
    await telegram?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function cli(args: string[], stdin = "") {
    let stdout = "";
    let stderr = "";
    const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, readStdin: () => stdin });
    return { code, stdout, stderr };
  }

  it("connects a bot after checking its token with getMe, stores it encrypted, never prints it", async () => {
    expect((await cli(["tenant", "create", "--slug", "botco", "--name", "Bot Co"])).code).toBe(0);
    const bad = await cli(["bot", "connect", "--tenant", "botco", "--token", "444444:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Telegram refused the token: Unauthorized/);
    const malformed = await cli(["bot", "connect", "--tenant", "botco", "--token", "nope"]);
    expect(malformed.stderr).toMatch(/not a bot token/);

    const ok = await cli(["--json", "bot", "connect", "--tenant", "botco", "--token-stdin"], `${TOKEN}\n`);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ tenant: "botco", username: "cli_bot" });
    expect(ok.stdout).not.toContain(TOKEN);
    const list = await cli(["--json", "bot", "list"]);
    expect(JSON.parse(list.stdout)).toMatchObject([{ tenant: "botco", username: "cli_bot", enabled: true }]);
    expect(list.stdout).not.toContain(TOKEN.split(":")[1]);
    expect((await cli(["bot", "disconnect", "--tenant", "botco"])).code).toBe(0);
    expect(JSON.parse((await cli(["--json", "bot", "list"])).stdout)[0].enabled).toBe(false);
  });
});
