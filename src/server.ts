// HTTP entry point: GraphQL at /graphql, liveness at /healthz, readiness at /readyz.
import { createServer, type Server } from "node:http";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionResult } from "graphql";
import { createYoga, useReadinessCheck, type Plugin, type YogaInitialContext } from "graphql-yoga";
import { internalError, isDatabaseUnavailable, serviceUnavailable, useErrorMasking } from "./api/errors.js";
import { useBodyLimit, useCsrfPrevention, useKnownPaths, useRateLimit } from "./api/http-guards.js";
import { useProcessMetrics } from "./api/metrics.js";
import { useTelegramWebhook } from "./api/telegram-webhook.js";
import type { BotRegistry } from "./bot/registry.js";
import { loadManifest, usePersistedOperations } from "./api/persisted-operations.js";
import { clientIp, requestIdOf, useRequestId } from "./api/request-id.js";
import { DomainError } from "./domain/errors.js";
import { actorOf } from "./tenants/auth.js";
import { schema } from "./schema/index.js";
import type { ApiContext } from "./schema/context.js";
import type { Services } from "./services.js";

const HTTP_STATUS: Record<DomainError["code"], number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
};

/** Limits every documented query fits under with room to spare; beyond them the error names the limit. */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 5_000,
  maxDirectives: 50,
  maxCost: 100_000,
};

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Without introspection the schema is not for reading: "Did you mean …?" hints in any
 * error (unknown fields, enum values in the query or in variables, input fields) would
 * map it anyway. graphql-armor removes them from validation errors only.
 */
function useNoSuggestions(): Plugin {
  const clean = (result: ExecutionResult): ExecutionResult =>
    result.errors?.some((e) => e.message.includes("Did you mean"))
      ? {
          ...result,
          errors: result.errors.map(
            (e) => new GraphQLError(e.message.replace(SUGGESTION, ""), { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: e.extensions }),
          ),
        }
      : result;
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(clean));
      else if (result && typeof result === "object" && "errors" in result) setResult(clean(result as ExecutionResult));
    },
  };
}

function useIntrospectionDisabled(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

export function createApi(services: Services, registry?: BotRegistry) {
  const { config, logger } = services;
  const plugins: Plugin<any>[] = [
    useRequestId(logger),
    useProcessMetrics(services.database.stats),
    useKnownPaths(["/graphql", "/healthz", "/readyz"]),
    useBodyLimit(config.maxBodyBytes),
    useCsrfPrevention(),
    useRateLimit({
      limiter: services.rateLimiter,
      perCredential: config.rateLimit.perCredential,
      perIp: config.rateLimit.perIp,
      windowMs: config.rateLimit.windowMs,
      trustProxy: config.trustProxy,
    }),
    EnvelopArmorPlugin({
      maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
      maxAliases: { n: QUERY_LIMITS.maxAliases },
      maxTokens: { n: QUERY_LIMITS.maxTokens },
      maxDirectives: { n: QUERY_LIMITS.maxDirectives },
      costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true },
      // "Did you mean …?" hints map the schema for an attacker when introspection is off.
      blockFieldSuggestion: { enabled: !config.introspection },
    }),
    useErrorMasking(logger),
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
  ];
  if (registry) plugins.unshift(useTelegramWebhook(registry));
  if (!config.introspection) plugins.push(useIntrospectionDisabled(), useNoSuggestions());
  if (config.persistedOperationsFile) plugins.push(usePersistedOperations(loadManifest(config.persistedOperationsFile)));

  return createYoga<Record<string, never>, ApiContext>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/healthz",
    landingPage: false,
    graphiql: config.graphiql && {
      title: "Tandem",
      defaultQuery:
        "# Operators: run `login`, then set headers Authorization: Bearer <token> and X-Tenant: <slug>.\n" +
        "query Me {\n  me {\n    operator { email name }\n    memberships { role tenant { slug name } }\n    tenant { slug name }\n    permissions\n  }\n}\n",
    },
    maskedErrors: {
      // Yoga asks about every error; resolver failures were already masked by useErrorMasking,
      // so what is left unexpected here happened outside execution: log it, never leak it.
      maskError: (error) => {
        const graphql = (e: unknown): e is GraphQLError => e instanceof GraphQLError || (e as Error)?.name === "GraphQLError";
        if (graphql(error) && (!error.originalError || graphql(error.originalError))) return error;
        logger.error({ err: error }, "unexpected error outside execution");
        return internalError("unknown");
      },
    },
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(" ")),
      info: (...args) => logger.info(args.map(String).join(" ")),
      warn: (...args) => logger.warn(args.map(String).join(" ")),
      error: (...args) => logger.error(args.map(String).join(" ")),
    },
    plugins,
    context: (initial: YogaInitialContext & Record<string, unknown>) => buildContext(services, initial.request, initial),
  });
}

export type Api = ReturnType<typeof createApi>;

async function buildContext(services: Services, request: Request, serverContext: unknown): Promise<ApiContext> {
  const requestId = requestIdOf(request);
  try {
    const caller = await services.auth.resolve(request.headers.get("authorization"), request.headers.get("x-tenant"));
    const tenant = caller.kind === "anonymous" ? null : caller.tenant;
    return {
      requestId,
      ip: clientIp(request, serverContext, services.config.trustProxy),
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
    if (isDatabaseUnavailable(err)) throw serviceUnavailable(requestId);
    services.logger.error({ requestId, err }, "could not resolve the caller");
    throw internalError(requestId);
  }
}

export function startHttpServer(api: Api, port: number, host: string): Promise<Server> {
  const server = createServer(api);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
