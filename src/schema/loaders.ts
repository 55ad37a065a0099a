// Per-request batch loaders for data that does not come from the tenant's tables.
import DataLoader from "dataloader";
import type { OperatorIdentity } from "../tenants/auth.js";
import type { ApiContext } from "./context.js";

const operatorLoaders = new WeakMap<ApiContext, DataLoader<string, OperatorIdentity | null>>();

/** Operators by `${tenantId}:${operatorId}`, only if they are members of that tenant: two queries per request, however many tenants. */
export function operatorLoader(ctx: ApiContext): DataLoader<string, OperatorIdentity | null> {
  let loader = operatorLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (keys) => {
      const pairs = keys.map((k) => {
        const [tenantId, operatorId] = k.split(":") as [string, string];
        return { tenantId, operatorId };
      });
      const found = new Map<string, OperatorIdentity>();
      for (const m of await ctx.services.directory.membersIn(pairs)) {
        found.set(`${m.tenantId}:${m.id}`, { id: m.id, email: m.email, name: m.name, isBpoAdmin: false });
      }
      return keys.map((k) => found.get(k) ?? null);
    });
    operatorLoaders.set(ctx, loader);
  }
  return loader;
}
