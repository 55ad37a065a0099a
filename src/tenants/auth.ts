// Decides who is calling and for which tenant. This is the only place that reads a
// tenant from a request: from the API key, or from the operator's token plus the
// X-Tenant header checked against the operator's memberships.
import { hkdfSync } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import type { ApiScope, Prisma, Role, Tenant } from "../generated/prisma/index.js";
import { ForbiddenError, UnauthenticatedError } from "../domain/errors.js";
import type { Actor } from "../domain/actor.js";
import { API_KEY_PREFIX, type ApiKeyInfo } from "./directory.js";
import { permissionsOf, type Permission } from "./permissions.js";
import type { RootDb, TenantScope, TenantScopes } from "./scoped-db.js";
import { equalHex, hashPassword, sha256Hex, verifyPassword } from "./secrets.js";
import { readSettings, type TenantSettings } from "./settings.js";

export interface ActiveTenant {
  id: string;
  slug: string;
  name: string;
  settings: TenantSettings;
}

export interface OperatorIdentity {
  id: string;
  email: string;
  name: string;
  isBpoAdmin: boolean;
}

export interface MembershipGrant {
  tenant: ActiveTenant;
  role: Role;
}

export type Caller =
  | { kind: "anonymous" }
  | {
      kind: "apiKey";
      apiKey: Pick<ApiKeyInfo, "id" | "name" | "prefix" | "scopes" | "expiresAt" | "tenantId">;
      tenant: ActiveTenant;
      permissions: Set<Permission>;
    }
  | {
      kind: "operator";
      operator: OperatorIdentity;
      memberships: MembershipGrant[];
      /** The tenant chosen with X-Tenant, if any. */
      tenant: ActiveTenant | null;
      role: Role | null;
      permissions: Set<Permission>;
    };

export function activeTenant(t: Tenant): ActiveTenant {
  return { id: t.id, slug: t.slug, name: t.name, settings: readSettings(t.settings) };
}

export function actorOf(caller: Caller, requestId?: string): Actor {
  switch (caller.kind) {
    case "apiKey":
      return { type: "API_KEY", id: caller.apiKey.id, name: caller.apiKey.name, requestId };
    case "operator":
      return { type: "OPERATOR", id: caller.operator.id, name: caller.operator.email, requestId };
    default:
      return { type: "SYSTEM", name: "anonymous", requestId };
  }
}

/** `lastUsedAt` is written at most this often per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * A valid API key, or an operator with their memberships, is looked up in the database
 * at most this often per process: the lookup (two or three statements) cost more than
 * the rest of a small request. Revocations, membership and tenant changes made through
 * this process, or any process sharing REDIS_URL, clear the cache at once
 * (`forgetCached`, topic `access-changed`); a change made by a process that shares no
 * event bus with this one reaches it within this time.
 */
export const CREDENTIAL_CACHE_MS = 5_000;
const CREDENTIAL_CACHE_MAX = 10_000;

type ApiKeyRow = Prisma.ApiKeyGetPayload<{ include: { tenant: true } }>;
type OperatorRow = Prisma.OperatorGetPayload<{ include: { memberships: { include: { tenant: true } } } }>;

/** A small cache of rows by key, each kept for CREDENTIAL_CACHE_MS. */
class FreshRows<T> {
  private readonly rows = new Map<string, { row: T; readAt: number }>();

  async get(key: string, read: () => Promise<T | null>): Promise<T | null> {
    const cached = this.rows.get(key);
    if (cached && Date.now() - cached.readAt < CREDENTIAL_CACHE_MS) return cached.row;
    this.rows.delete(key);
    const row = await read();
    // Only rows that exist: a flood of made-up credentials fills nothing.
    if (row) {
      if (this.rows.size >= CREDENTIAL_CACHE_MAX) this.rows.delete(this.rows.keys().next().value!);
      this.rows.set(key, { row, readAt: Date.now() });
    }
    return row;
  }

  clear(): void {
    this.rows.clear();
  }
}

export class Authenticator {
  private readonly jwtKey: Uint8Array;
  /** Verifying against a real hash when the email is unknown keeps login timing uniform. */
  private readonly dummyHash: Promise<string>;
  /** Recently found API keys by secret hash, and operators by id. */
  private readonly apiKeys = new FreshRows<ApiKeyRow>();
  private readonly operators = new FreshRows<OperatorRow>();

  constructor(
    private readonly root: RootDb,
    private readonly scopes: TenantScopes,
    authSecret: string,
    private readonly tokenTtl: string,
  ) {
    this.jwtKey = new Uint8Array(hkdfSync("sha256", authSecret, "tandem", "operator-token-v1", 32));
    this.dummyHash = hashPassword("not-a-real-password-" + authSecret.slice(0, 8));
  }

  /** Scoped database access for the caller's active tenant; fails closed without one. */
  scopeFor(caller: Caller): TenantScope | null {
    if (caller.kind === "anonymous" || !caller.tenant) return null;
    return this.scopes.forTenant(caller.tenant.id);
  }

  async login(email: string, password: string): Promise<{ token: string; expiresAt: Date; operator: OperatorIdentity }> {
    const operator = await this.root.operator.findUnique({ where: { email: email.trim().toLowerCase() } });
    const ok = await verifyPassword(operator?.passwordHash ?? (await this.dummyHash), password);
    if (!operator || !ok || operator.disabledAt) {
      throw new UnauthenticatedError("Email or password is wrong.");
    }
    await this.root.operator.update({ where: { id: operator.id }, data: { lastLoginAt: new Date() } });
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(operator.id)
      .setIssuer("tandem")
      .setAudience("tandem-api")
      .setIssuedAt()
      .setExpirationTime(this.tokenTtl)
      .sign(this.jwtKey);
    const { exp } = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { exp: number };
    return { token: jwt, expiresAt: new Date(exp * 1000), operator: identity(operator) };
  }

  /**
   * Resolves the caller from the Authorization header (`Bearer tdm_…` for API keys,
   * `Bearer <token>` for operators) and X-Tenant. No header: anonymous.
   */
  async resolve(authorization: string | null, tenantHeader: string | null): Promise<Caller> {
    if (!authorization) {
      if (tenantHeader) throw new UnauthenticatedError("X-Tenant was given without credentials: send an Authorization header.");
      return { kind: "anonymous" };
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError("The Authorization header must be `Bearer <API key or operator token>`.");
    const credential = match[1]!;
    return credential.startsWith(API_KEY_PREFIX)
      ? this.resolveApiKey(credential, tenantHeader)
      : this.resolveOperator(credential, tenantHeader);
  }

  private async resolveApiKey(secret: string, tenantHeader: string | null): Promise<Caller> {
    const hash = sha256Hex(secret);
    const key = await this.findApiKey(hash);
    if (!key || !equalHex(key.secretHash, hash)) throw new UnauthenticatedError("The API key is not valid.");
    if (key.revokedAt) throw new UnauthenticatedError("The API key has been revoked.");
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError("The API key has expired.");
    if (tenantHeader && tenantHeader !== key.tenant.slug && tenantHeader !== key.tenant.id) {
      throw new ForbiddenError("This API key belongs to another tenant than the one named in X-Tenant.");
    }
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Best effort: a failed bookkeeping write must not fail the request. The cached row
      // records it too, so the next requests within the resolution do not write again.
      key.lastUsedAt = new Date();
      await this.root.apiKey
        .update({ where: { tenantId_id: { tenantId: key.tenantId, id: key.id } }, data: { lastUsedAt: key.lastUsedAt } })
        .catch(() => undefined);
    }
    return {
      kind: "apiKey",
      apiKey: { id: key.id, name: key.name, prefix: key.prefix, scopes: key.scopes as ApiScope[], expiresAt: key.expiresAt, tenantId: key.tenantId },
      tenant: activeTenant(key.tenant),
      permissions: permissionsOf({ scopes: key.scopes }),
    };
  }

  /** The key with its tenant, from the cache while fresh. The lookup is by hash: the secret itself is never compared. */
  private findApiKey(hash: string): Promise<ApiKeyRow | null> {
    return this.apiKeys.get(hash, () => this.root.apiKey.findUnique({ where: { secretHash: hash }, include: { tenant: true } }));
  }

  /** Keys were revoked, memberships or tenants changed: read credentials from the database again. */
  forgetCached(): void {
    this.apiKeys.clear();
    this.operators.clear();
  }

  private async resolveOperator(token: string, tenantHeader: string | null): Promise<Caller> {
    let operatorId: string;
    try {
      const { payload } = await jwtVerify(token, this.jwtKey, { issuer: "tandem", audience: "tandem-api", algorithms: ["HS256"] });
      operatorId = payload.sub ?? "";
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new UnauthenticatedError("The operator token has expired: log in again.");
      throw new UnauthenticatedError("The operator token is not valid: log in again.");
    }
    const operator = await this.operators.get(operatorId, () =>
      this.root.operator.findUnique({ where: { id: operatorId }, include: { memberships: { include: { tenant: true } } } }),
    );
    if (!operator || operator.disabledAt) throw new UnauthenticatedError("The operator account is not active.");
    const memberships = operator.memberships
      .map((m) => ({ tenant: activeTenant(m.tenant), role: m.role }))
      .sort((a, b) => a.tenant.slug.localeCompare(b.tenant.slug));
    let active: MembershipGrant | null = null;
    if (tenantHeader) {
      active = memberships.find((m) => m.tenant.slug === tenantHeader || m.tenant.id === tenantHeader) ?? null;
      // Same answer for a tenant that does not exist and one the operator does not serve.
      if (!active) throw new ForbiddenError(`You are not a member of tenant "${tenantHeader}".`);
    }
    return {
      kind: "operator",
      operator: identity(operator),
      memberships,
      tenant: active?.tenant ?? null,
      role: active?.role ?? null,
      permissions: active ? permissionsOf({ role: active.role }) : new Set(),
    };
  }
}

function identity(o: { id: string; email: string; name: string; isBpoAdmin: boolean }): OperatorIdentity {
  return { id: o.id, email: o.email, name: o.name, isBpoAdmin: o.isBpoAdmin };
}
