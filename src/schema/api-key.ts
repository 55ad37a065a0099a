// API keys: a tenant's admins create, list and revoke their partner apps' keys.
import type { ApiScope } from "../generated/prisma/index.js";
import type { ApiKeyInfo } from "../tenants/directory.js";
import { scopeName } from "../tenants/permissions.js";
import { ValidationError } from "../domain/errors.js";
import { builder } from "./builder.js";
import { ApiScopeEnum } from "./enums.js";
import { MUTATION_ERRORS } from "./errors.js";
import { activeTenantId } from "./tenant-node.js";

export type ApiKeyView = Pick<ApiKeyInfo, "id" | "name" | "prefix" | "scopes" | "expiresAt"> &
  Partial<Pick<ApiKeyInfo, "revokedAt" | "lastUsedAt" | "createdAt">>;

export const ApiKeyRef = builder.objectRef<ApiKeyView>("ApiKey").implement({
  description: "A partner app's credential for one tenant. The secret is shown once, when the key is created.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    prefix: t.exposeString("prefix", { description: "The first characters of the secret, to tell keys apart." }),
    scopes: t.stringList({ description: "e.g. front:read, back:write", resolve: (k) => k.scopes.map(scopeName) }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true }),
    revokedAt: t.field({ type: "DateTime", nullable: true, resolve: (k) => k.revokedAt ?? null }),
    lastUsedAt: t.field({ type: "DateTime", nullable: true, resolve: (k) => k.lastUsedAt ?? null }),
    createdAt: t.field({ type: "DateTime", nullable: true, resolve: (k) => k.createdAt ?? null }),
  }),
});

builder.queryField("apiKeys", (t) =>
  t.field({
    type: [ApiKeyRef],
    description: "The active tenant's API keys (never their secrets).",
    authScopes: { can: "admin" },
    resolve: (_root, _args, ctx) => ctx.services.directory.listApiKeys(activeTenantId(ctx)),
  }),
);

const CreateApiKeyInput = builder.inputType("CreateApiKeyInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    scopes: t.field({ type: [ApiScopeEnum], required: true }),
    expiresAt: t.field({ type: "DateTime", required: false }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<{ apiKey: ApiKeyView; secret: string }>("CreatedApiKey").implement({
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, resolve: (c) => c.apiKey }),
    secret: t.exposeString("secret", { description: "Send as `Authorization: Bearer <secret>`. Shown only now: store it." }),
  }),
});

builder.mutationField("createApiKey", (t) =>
  t.field({
    type: CreatedApiKeyRef,
    description: "Creates an API key for the active tenant.",
    authScopes: { can: "admin" },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      if (input.scopes.length === 0) throw new ValidationError("scopes", "An API key needs at least one scope.");
      const { apiKey, secret } = await ctx.services.directory.createApiKey(
        activeTenantId(ctx),
        { name: input.name, scopes: input.scopes as ApiScope[], expiresAt: input.expiresAt ?? null },
        ctx.actor,
      );
      return { apiKey, secret };
    },
  }),
);

const RevokeApiKeyInput = builder.inputType("RevokeApiKeyInput", {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField("revokeApiKey", (t) =>
  t.field({
    type: ApiKeyRef,
    description: "Revokes one of the active tenant's API keys at once.",
    authScopes: { can: "admin" },
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.directory.revokeApiKey(activeTenantId(ctx), String(input.id), ctx.actor),
  }),
);
