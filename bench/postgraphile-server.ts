// The peer: PostGraphile 4 serving the same PostgreSQL database through the same
// row-level security policies as Tandem. Started by bench/run.ts in its own process:
//   DATABASE_URL=postgresql://…/tandem_bench PORT=… node --import tsx bench/postgraphile-server.ts
//
// Per request, pgSettings switches to the `tandem_app` role (no BYPASSRLS) and sets
// `app.tenant_id` from the API key — looked up by its SHA-256 hash in "ApiKey" on
// every request, as Tandem does (no cache), so both servers pay for authentication.
// A request without a valid key gets an empty tenant: RLS shows it nothing.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import Module, { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";

// PostGraphile 4 needs graphql@15 and carries its own copy, but npm hoisted its
// dependency graphql-parse-resolve-info next to Tandem's graphql@16, so two graphql
// copies would meet ("Cannot use GraphQLScalarType from another module or realm").
// Point that one package at PostGraphile's copy — what a `resolutions` entry would do.
const postgraphileRequire = createRequire(createRequire(import.meta.url).resolve("postgraphile"));
const graphql15 = path.dirname(postgraphileRequire.resolve("graphql/package.json"));
const moduleInternals = Module as unknown as { _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string };
const resolveFilename = moduleInternals._resolveFilename;
moduleInternals._resolveFilename = function (request, parent, ...rest) {
  if (/^graphql(\/|$)/.test(request) && parent?.filename?.includes(`${path.sep}graphql-parse-resolve-info${path.sep}`)) {
    request = request.replace(/^graphql/, graphql15);
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
const { postgraphile } = (await import("postgraphile")) as typeof import("postgraphile");
const { printSchema } = postgraphileRequire("graphql") as typeof import("graphql");

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const port = Number(process.env.PORT ?? 5050);
const host = process.env.HOST ?? "127.0.0.1";

// Same pool size as Tandem's Prisma pool (src/db/engine.ts).
const pool = new pg.Pool({ connectionString: url, max: 10 });
pool.on("error", () => undefined);
let statements = 0;
let graphqlRequests = 0;
pool.on("connect", (client) => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    statements++;
    return query(...args);
  };
});

async function tenantOf(authorization: string | undefined): Promise<string> {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!secret) return "";
  const hash = createHash("sha256").update(secret).digest("hex");
  const { rows } = await pool.query(
    `SELECT "tenantId" FROM "ApiKey" WHERE "secretHash" = $1 AND "revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > now())`,
    [hash],
  );
  return (rows[0]?.tenantId as string | undefined) ?? "";
}

const middleware = postgraphile(pool, "public", {
  pgSettings: async (req) => ({ role: "tandem_app", "app.tenant_id": await tenantOf(req.headers.authorization) }),
  graphqlRoute: "/graphql",
  graphiql: false,
  disableQueryLog: true,
  disableDefaultMutations: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  legacyRelations: "omit",
  retryOnInitFail: false,
});

const server = createServer((req, res) => {
  if (req.url === "/metrics") {
    const lines = [
      `postgraphile_graphql_requests_total ${graphqlRequests}`,
      `postgraphile_sql_statements_total ${statements}`,
      `process_resident_memory_bytes ${process.memoryUsage().rss}`,
    ];
    res.writeHead(200, { "content-type": "text/plain" }).end(lines.join("\n") + "\n");
    return;
  }
  if (req.url === "/readyz") {
    res.writeHead(200).end("ok");
    return;
  }
  if (req.url === "/schema") {
    void middleware.getGraphQLSchema().then((schema) => {
      res.writeHead(200, { "content-type": "text/plain" }).end(printSchema(schema as never));
    });
    return;
  }
  if (req.url?.startsWith("/graphql")) res.once("finish", () => graphqlRequests++);
  middleware(req, res);
});

// Build the schema (introspection) before taking requests, so the first measured request is not the one that pays for it.
await middleware.getGraphQLSchema();
server.listen(port, host);

const stop = () => {
  server.close();
  server.closeAllConnections();
  void middleware.release?.().finally(() => pool.end().finally(() => process.exit(0)));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
