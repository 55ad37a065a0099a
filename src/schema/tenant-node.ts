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

/**
 * How a back-office type documents its link to front-office data (a contact or ticket).
 * Deliberate: back:read does not include front-office data. Every role that reads the
 * back office also has front:read (BACK_OFFICE: back office + read front office), so
 * operators see the contact; an API key sees it only with the front:read scope as well.
 */
export const FRONT_OFFICE_LINK =
  "Front-office data: readable with front:read, which every role has (BACK_OFFICE included); an API key needs the front:read scope too. Without it this field is null, with a FORBIDDEN error whose path runs through this field; the rest of the result is unaffected.";
