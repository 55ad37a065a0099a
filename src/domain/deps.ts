import type { ActiveTenant } from "../tenants/auth.js";
import type { Directory } from "../tenants/directory.js";
import type { TenantScope } from "../tenants/scoped-db.js";
import type { Actor } from "./actor.js";
import type { EventBus, TicketEvent } from "./events.js";

/** What a rule needs to act in one tenant: the API and the bot build it the same way. */
export interface TenantDeps {
  scope: TenantScope;
  tenant: ActiveTenant;
  actor: Actor;
  events: EventBus;
  directory: Directory;
}

export function publish(deps: TenantDeps, event: Omit<TicketEvent, "tenantId" | "at">): void {
  deps.events.publish("ticket", deps.tenant.id, { ...event, tenantId: deps.tenant.id, at: new Date().toISOString() });
}
