// Options shared by every tenant-owned Relay node: the global id carries only the
// row id; the tenant comes from the request, so another tenant's id is "not found".
import type { ApiContext } from "./context.js";
import { MissingTenantError } from "../tenants/scoped-db.js";

export function activeTenantId(ctx: ApiContext): string {
  if (!ctx.tenant) throw new MissingTenantError();
  return ctx.tenant.id;
}

export const tenantNode = {
  id: { resolve: (row: { id: string }) => row.id },
  nullable: true,
  findUnique: (id: string, ctx: ApiContext) => ({ tenantId_id: { tenantId: activeTenantId(ctx), id } }),
} as const;
