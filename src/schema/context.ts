import type { Actor } from "../domain/actor.js";
import type { Caller, ActiveTenant } from "../tenants/auth.js";
import type { Permission } from "../tenants/permissions.js";
import type { TenantScope } from "../tenants/scoped-db.js";
import type { Services } from "../services.js";

/** What every resolver sees. The tenant was decided once, in src/tenants/auth.ts. */
export interface ApiContext {
  requestId: string;
  /** The client's IP address, for rate limits and login throttling. */
  ip: string;
  caller: Caller;
  /** The active tenant, from the API key or from X-Tenant checked against memberships. */
  tenant: ActiveTenant | null;
  /** Tenant-scoped database access; null without an active tenant. */
  scope: TenantScope | null;
  permissions: Set<Permission>;
  /** Set by the operator queue: the membership-checked tenants it reads across. */
  queueScope?: TenantScope;
  queueTenantIds?: readonly string[];
  actor: Actor;
  services: Services;
}
