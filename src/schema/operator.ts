import type { Role } from "../generated/prisma/index.js";
import { ConflictError, ForbiddenError, RateLimitedError, UnauthenticatedError, ValidationError } from "../domain/errors.js";
import { MIN_PASSWORD_LENGTH } from "../tenants/directory.js";
import type { ActiveTenant, OperatorIdentity } from "../tenants/auth.js";
import type { Services } from "../services.js";
import { builder } from "./builder.js";
import { RoleEnum } from "./enums.js";
import { ApiKeyRef, type ApiKeyView } from "./api-key.js";
import { TenantRef } from "./tenant.js";

export const OperatorRef = builder.objectRef<OperatorIdentity>("Operator").implement({
  description: "A BPO person who works tickets and back-office tasks for the tenants they are members of.",
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    name: t.exposeString("name"),
    isBpoAdmin: t.exposeBoolean("isBpoAdmin"),
  }),
});

export const MembershipRef = builder.objectRef<{ tenant: ActiveTenant; role: Role }>("Membership").implement({
  description: "An operator's role in one tenant.",
  fields: (t) => ({
    tenant: t.field({ type: TenantRef, resolve: (m) => m.tenant }),
    role: t.field({ type: RoleEnum, resolve: (m) => m.role }),
  }),
});

type ViewerShape = {
  operator: OperatorIdentity | null;
  apiKey: ApiKeyView | null;
  memberships: { tenant: ActiveTenant; role: Role }[];
  tenant: ActiveTenant | null;
  role: Role | null;
  permissions: string[];
};

const ViewerRef = builder.objectRef<ViewerShape>("Me").implement({
  description: "Who is calling: an operator (with memberships) or an API key (with its tenant).",
  fields: (t) => ({
    operator: t.field({ type: OperatorRef, nullable: true, resolve: (v) => v.operator }),
    apiKey: t.field({ type: ApiKeyRef, nullable: true, resolve: (v) => v.apiKey }),
    memberships: t.field({ type: [MembershipRef], resolve: (v) => v.memberships }),
    tenant: t.field({ type: TenantRef, nullable: true, description: "The active tenant, if any.", resolve: (v) => v.tenant }),
    role: t.field({ type: RoleEnum, nullable: true, description: "The operator's role in the active tenant.", resolve: (v) => v.role }),
    permissions: t.exposeStringList("permissions", { description: "What the caller may do in the active tenant." }),
  }),
});

builder.queryField("me", (t) =>
  t.field({
    type: ViewerRef,
    authScopes: { authenticated: true },
    resolve: (_root, _args, { caller, permissions }) => {
      const perms = [...permissions].sort();
      if (caller.kind === "apiKey") {
        const k = caller.apiKey;
        return {
          operator: null,
          apiKey: { id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes, expiresAt: k.expiresAt },
          memberships: [],
          tenant: caller.tenant,
          role: null,
          permissions: perms,
        };
      }
      if (caller.kind !== "operator") throw new Error("unreachable: authScopes require a caller");
      return {
        operator: caller.operator,
        apiKey: null,
        memberships: caller.memberships,
        tenant: caller.tenant,
        role: caller.role,
        permissions: perms,
      };
    },
  }),
);

const LoginInput = builder.inputType("LoginInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const SessionRef = builder.objectRef<{ token: string; expiresAt: Date; operator: OperatorIdentity }>("Session").implement({
  fields: (t) => ({
    token: t.exposeString("token", { description: "Send as `Authorization: Bearer <token>`, with `X-Tenant: <slug>` to pick a tenant." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    operator: t.field({ type: OperatorRef, resolve: (s) => s.operator }),
  }),
});

builder.mutationField("login", (t) =>
  t.field({
    type: SessionRef,
    description: "Logs an operator in; the token works for every tenant they are a member of.",
    errors: { types: [UnauthenticatedError, ValidationError, RateLimitedError] },
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: async (_root, { input }, { services, ip }) => {
      if (!input.email.trim()) throw new ValidationError("email", "Email is required.");
      if (!input.password) throw new ValidationError("password", "Password is required.");
      return throttledLogin(services, ip, input.email, input.password);
    },
  }),
);

/**
 * Login attempts are counted per account and per IP (the IP gets five accounts' worth);
 * a successful login clears its account's count. Past the limit the account or IP is
 * refused until the window passes, even with the right password, so guessing is slow
 * whichever way it is spread, in parallel too.
 */
async function throttledLogin(services: Services, ip: string, email: string, password: string) {
  const { rateLimiter, config } = services;
  const { loginAttempts, loginWindowMs } = config.rateLimit;
  const accountKey = `login:acct:${email.trim().toLowerCase()}`;
  const ipKey = `login:ip:${ip}`;
  // Counted before the password is checked, so parallel guesses cannot all pass the check
  // while the slow hash runs; a successful login clears the account's count (not the IP's).
  const [account, address] = await Promise.all([
    rateLimiter.hit(accountKey, loginAttempts, loginWindowMs),
    rateLimiter.hit(ipKey, loginAttempts * 5, loginWindowMs),
  ]);
  const blocked = [account, address].find((r) => !r.allowed);
  if (blocked) {
    const minutes = Math.max(1, Math.ceil(blocked.resetMs / 60_000));
    throw new RateLimitedError(`Too many failed logins; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, Math.ceil(blocked.resetMs / 1000));
  }
  const session = await services.auth.login(email, password);
  await rateLimiter.reset(accountKey);
  return session;
}

const CreateOperatorInput = builder.inputType("CreateOperatorInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ required: true }),
    password: t.string({ required: true, description: `At least ${MIN_PASSWORD_LENGTH} characters.` }),
    isBpoAdmin: t.boolean({ required: false }),
  }),
});

builder.mutationField("createOperator", (t) =>
  t.field({
    type: OperatorRef,
    description: "Creates an operator (BPO administrators only). Give them roles with `addMember`.",
    authScopes: { bpoAdmin: true },
    errors: { types: [ValidationError, ConflictError, ForbiddenError] },
    args: { input: t.arg({ type: CreateOperatorInput, required: true }) },
    resolve: async (_root, { input }, { services }) => {
      const op = await services.directory.createOperator({ ...input, isBpoAdmin: input.isBpoAdmin ?? false });
      return { id: op.id, email: op.email, name: op.name, isBpoAdmin: op.isBpoAdmin };
    },
  }),
);
