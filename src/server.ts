// HTTP entry point: GraphQL at /graphql, liveness at /healthz, readiness at /readyz.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { GraphQLError } from "graphql";
import { createYoga, useReadinessCheck, type YogaInitialContext } from "graphql-yoga";
import { DomainError } from "./domain/errors.js";
import { actorOf } from "./tenants/auth.js";
import { schema } from "./schema/index.js";
import type { ApiContext } from "./schema/context.js";
import type { Services } from "./services.js";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
const HTTP_STATUS: Record<DomainError["code"], number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
};

export function createApi(services: Services) {
  const yoga = createYoga<Record<string, never>, ApiContext>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/healthz",
    landingPage: false,
    graphiql: services.config.nodeEnv !== "production" && {
      title: "Tandem",
      defaultQuery: "query Me {\n  me {\n    operator { email name }\n    memberships { role tenant { slug name } }\n    tenant { slug name }\n    permissions\n  }\n}\n",
    },
    logging: {
      debug: (...args) => services.logger.debug(args.map(String).join(" ")),
      info: (...args) => services.logger.info(args.map(String).join(" ")),
      warn: (...args) => services.logger.warn(args.map(String).join(" ")),
      error: (...args) => services.logger.error(args.map(String).join(" ")),
    },
    plugins: [
      useReadinessCheck({
        endpoint: "/readyz",
        check: async () => {
          try {
            await services.database.sql.query("SELECT 1");
            return true;
          } catch {
            return false;
          }
        },
      }),
    ],
    context: (initial: YogaInitialContext) => buildContext(services, initial.request),
  });
  return yoga;
}

export type Api = ReturnType<typeof createApi>;

async function buildContext(services: Services, request: Request): Promise<ApiContext> {
  const given = request.headers.get("x-request-id");
  const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
  try {
    const caller = await services.auth.resolve(request.headers.get("authorization"), request.headers.get("x-tenant"));
    const tenant = caller.kind === "anonymous" ? null : caller.tenant;
    return {
      requestId,
      caller,
      tenant,
      scope: tenant ? services.scopes.forTenant(tenant.id) : null,
      permissions: caller.kind === "anonymous" ? new Set() : caller.permissions,
      actor: actorOf(caller, requestId),
      services,
    };
  } catch (err) {
    if (err instanceof DomainError) {
      throw new GraphQLError(err.message, {
        extensions: { code: err.code, requestId, http: { status: HTTP_STATUS[err.code] } },
      });
    }
    throw err;
  }
}

export function startHttpServer(api: Api, port: number, host: string): Promise<Server> {
  const server = createServer(api);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
