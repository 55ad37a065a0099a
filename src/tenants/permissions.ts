// Who may do what: roles (operators, per tenant) and scopes (API keys) both map
// onto the same permissions, which the schema's auth scopes check.
import type { ApiScope, Role } from "../generated/prisma/index.js";

export const PERMISSIONS = [
  "front:read",
  "front:write",
  "back:read",
  "back:write",
  "audit:read",
  "admin",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  OWNER: PERMISSIONS,
  ADMIN: PERMISSIONS,
  AGENT: ["front:read", "front:write"],
  BACK_OFFICE: ["back:read", "back:write", "front:read"],
  AUDITOR: ["front:read", "back:read", "audit:read"],
};

/** A write scope includes reading the same data: a partner app must see what it wrote. */
export const SCOPE_PERMISSIONS: Record<ApiScope, readonly Permission[]> = {
  FRONT_READ: ["front:read"],
  FRONT_WRITE: ["front:read", "front:write"],
  BACK_READ: ["back:read"],
  BACK_WRITE: ["back:read", "back:write"],
  ADMIN: ["admin", "audit:read"],
};

/** Roles that work front-office tickets, and so see the cross-tenant queue. */
export const FRONT_OFFICE_ROLES: readonly Role[] = ["OWNER", "ADMIN", "AGENT"];
/** Roles that may review compliance checks. */
export const BACK_OFFICE_ROLES: readonly Role[] = ["OWNER", "ADMIN", "BACK_OFFICE"];

/** The scope names users type (`front:read`) and the enum the database stores. */
export const SCOPE_NAMES: Record<string, ApiScope> = {
  "front:read": "FRONT_READ",
  "front:write": "FRONT_WRITE",
  "back:read": "BACK_READ",
  "back:write": "BACK_WRITE",
  admin: "ADMIN",
};

export function scopeName(scope: ApiScope): string {
  return Object.entries(SCOPE_NAMES).find(([, s]) => s === scope)![0];
}

export function permissionsOf(grant: { role: Role } | { scopes: readonly ApiScope[] }): Set<Permission> {
  if ("role" in grant) return new Set(ROLE_PERMISSIONS[grant.role]);
  return new Set(grant.scopes.flatMap((s) => SCOPE_PERMISSIONS[s]));
}
