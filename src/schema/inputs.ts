// Helpers for arguments: global ids of a given type, page sizes, and rule dependencies.
import { GraphQLError } from "graphql";
import type { TenantDeps } from "../domain/deps.js";
import { ValidationError } from "../domain/errors.js";
import { decodeGlobalId } from "./builder.js";
import type { ApiContext } from "./context.js";
import { MissingTenantError } from "../tenants/scoped-db.js";

export const MAX_PAGE = 100;

/** The row id inside a global id of the expected type; anything else is a ValidationError on `field`. */
export function idOf(field: string, globalId: string | number, ...types: string[]): string {
  try {
    const { typename, id } = decodeGlobalId(String(globalId));
    if (types.includes(typename)) return id;
  } catch {
    // fall through to the uniform message
  }
  throw new ValidationError(field, `${field} must be the id of a ${types.join(" or ")}.`);
}

/** Page sizes above the maximum are refused, not silently cut. */
export function checkPage(args: { first?: number | null; last?: number | null }): void {
  for (const key of ["first", "last"] as const) {
    const n = args[key];
    if (n === null || n === undefined) continue;
    if (n < 0 || n > MAX_PAGE) {
      throw new GraphQLError(`\`${key}\` must be between 0 and ${MAX_PAGE}; got ${n}. Page through larger lists with cursors.`, {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
  }
}

export function tenantDeps(ctx: ApiContext): TenantDeps {
  if (!ctx.scope || !ctx.tenant) throw new MissingTenantError();
  return { scope: ctx.scope, tenant: ctx.tenant, actor: ctx.actor, events: ctx.services.events, directory: ctx.services.directory };
}
