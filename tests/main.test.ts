// `npm start` as a new user runs it: a real process on a fresh data folder, twice. It runs
// what `npm start` runs (bin/start.js: the compiled server, built first if src/ changed).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(path.join(tmpdir(), "tandem-start-"));

interface Started {
  output: string;
  url: string;
  stop(): Promise<number | null>;
}

function start(): Promise<Started> {
  const child = spawn(process.execPath, ["bin/start.js"], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn", DATABASE_URL: "", TEST_DATABASE: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => setTimeout(() => reject(new Error(`exited with ${code} before starting:\n${output}`)), 100));
    child.stdout.on("data", (d) => {
      output += d;
      const url = /GraphiQL:\s+(http:\/\/\S+)\/graphql/.exec(output)?.[1];
      if (url && /Partner apps|Using existing data/.test(output)) {
        child.removeAllListeners("exit");
        resolve({
          output,
          url,
          stop: () =>
            new Promise((done) => {
              child.on("exit", (code) => done(code));
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

describe("npm start on the embedded database", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("migrates and creates demo data on the first start, prints how to log in, and reuses the data on the second", async () => {
    const first = await start();
    expect(first.output).toMatch(/Demo data was created/);
    const key = /acme-insurance: (tdm_\w+)/.exec(first.output)![1]!;
    const password = /dana@bpo\.example\s+password: (\S+)/.exec(first.output)![1]!;
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const me = await fetch(`${first.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: "{ tenant { slug } }" }),
    }).then((r) => r.json());
    expect(me).toEqual({ data: { tenant: { slug: "acme-insurance" } } });
    expect(await first.stop()).toBe(0);

    const second = await start();
    expect(second.output).toMatch(/Using existing data/);
    expect(second.output).not.toMatch(/tdm_/);
    const login = await fetch(`${second.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation($i: LoginInput!) { login(input: $i) { __typename } }`,
        variables: { i: { email: "dana@bpo.example", password } },
      }),
    }).then((r) => r.json());
    expect(login.data.login.__typename).toBe("LoginSuccess");
    const tenants = await fetch(`${second.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: "{ me { tenant { slug } } }" }),
    }).then((r) => r.json());
    expect(tenants.data.me.tenant.slug).toBe("acme-insurance");
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
