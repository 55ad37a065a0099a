// Per-request batch loaders for data that does not come from the tenant's tables.
import DataLoader from "dataloader";
import type { OperatorIdentity } from "../tenants/auth.js";
import type { ApiContext } from "./context.js";

const operatorLoaders = new WeakMap<ApiContext, DataLoader<string, OperatorIdentity | null>>();

/** Operators by `${tenantId}:${operatorId}`, only if they are members of that tenant: one query per tenant per request. */
export function operatorLoader(ctx: ApiContext): DataLoader<string, OperatorIdentity | null> {
  let loader = operatorLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (keys) => {
      const byTenant = new Map<string, string[]>();
      for (const k of keys) {
        const [tenantId, id] = k.split(":") as [string, string];
        byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), id]);
      }
      const found = new Map<string, OperatorIdentity>();
      await Promise.all(
        [...byTenant].map(async ([tenantId, ids]) => {
          for (const m of await ctx.services.directory.membersOf(tenantId, ids)) {
            found.set(`${tenantId}:${m.id}`, { id: m.id, email: m.email, name: m.name, isBpoAdmin: false });
          }
        }),
      );
      return keys.map((k) => found.get(k) ?? null);
    });
    operatorLoaders.set(ctx, loader);
  }
  return loader;
}
