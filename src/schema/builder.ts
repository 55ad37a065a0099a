// The Pothos builder: plugins, scalars, auth scopes and root types. Domain types
// live in one file each next to this one.
import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { getNamedType, GraphQLError, isUnionType, Kind, valueFromASTUntyped, type GraphQLResolveInfo } from "graphql";
import { ForbiddenError } from "../domain/errors.js";
import type { PrismaClient } from "../generated/prisma/index.js";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import { MissingTenantError } from "../tenants/scoped-db.js";
import type { Permission } from "../tenants/permissions.js";
import type { ApiContext } from "./context.js";

export const builder = new SchemaBuilder<{
  Context: ApiContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    authenticated: boolean;
    operator: boolean;
    bpoAdmin: boolean;
    tenant: boolean;
    can: Permission;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  // The errors plugin wraps scope-auth (it only catches, so nothing of a field runs before
  // its auth check): a refused mutation can then return ForbiddenError as data.
  plugins: [ErrorsPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.caller.kind !== "anonymous",
      operator: ctx.caller.kind === "operator",
      bpoAdmin: ctx.caller.kind === "operator" && ctx.caller.operator.isBpoAdmin,
      tenant: ctx.tenant !== null,
      can: (permission) => ctx.permissions.has(permission),
    }),
    unauthorizedError: (_parent, ctx, info) => accessError(ctx, info),
  },
  prisma: {
    // The tenant-scoped client: RLS filters every query Pothos plans.
    client: (ctx) => {
      // The operator queue reads across the operator's front-office tenants through its own scope.
      const scope = ctx.queueScope ?? ctx.scope;
      if (!scope) throw new MissingTenantError();
      return scope.db as unknown as PrismaClient;
    },
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    defaultConnectionSize: 20,
    maxConnectionSize: 100,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    decodeGlobalID: decodeGlobalId,
  },
  errors: {
    defaultResultOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Success` },
    defaultUnionOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Payload` },
  },
});

/** Global ids are base64 of `Type:id`; anything else is a client mistake, said plainly. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const canonical = Buffer.from(decoded).toString("base64").replace(/=+$/, "");
  if (colon <= 0 || colon === decoded.length - 1 || canonical !== globalId.replace(/=+$/, "")) {
    throw new GraphQLError(`${JSON.stringify(globalId.slice(0, 100))} is not a valid id: use the \`id\` values the API returns.`, {
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  return { typename: decoded.slice(0, colon), id: decoded.slice(colon + 1) };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The error for a refused field: who you are is missing (always a top-level UNAUTHENTICATED),
 * or what you may do is not enough. A mutation whose payload offers ForbiddenError gets that
 * as data (errors are data); queries and other fields get a top-level FORBIDDEN.
 */
export function accessError(ctx: ApiContext, info?: GraphQLResolveInfo): Error {
  if (ctx.caller.kind === "anonymous") {
    return new GraphQLError("Authentication required: send `Authorization: Bearer <API key or operator token>`.", {
      extensions: { code: "UNAUTHENTICATED" },
    });
  }
  const message = ctx.tenant
    ? "Your role or API key scopes do not allow this."
    : "Choose a tenant: send the `X-Tenant` header with the slug or id of a tenant you serve.";
  if (info && offersForbiddenError(info)) return new ForbiddenError(message);
  return new GraphQLError(message, { extensions: { code: "FORBIDDEN" } });
}

function offersForbiddenError(info: GraphQLResolveInfo): boolean {
  if (info.parentType.name !== "Mutation") return false;
  const type = getNamedType(info.returnType);
  return isUnionType(type) && type.getTypes().some((t) => t.name === "ForbiddenError");
}

builder.scalarType("DateTime", {
  description: "An ISO 8601 date-time in UTC, e.g. 2026-11-23T09:30:00.000Z.",
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be an ISO 8601 string.");
    return parseDate(ast.value);
  },
});

function parseDate(value: unknown): Date {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    throw new GraphQLError(`DateTime must be an ISO 8601 string like 2026-11-23T09:30:00Z, got ${JSON.stringify(value)}.`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new GraphQLError(`${JSON.stringify(value)} is not a valid date.`);
  return date;
}

builder.scalarType("JSON", {
  description: "Any JSON value.",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
