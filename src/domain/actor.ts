import type { ActorType } from "../generated/prisma/index.js";

/** Who made a change, as the audit log records it. */
export interface Actor {
  type: ActorType;
  id?: string;
  name?: string;
  requestId?: string;
}

export const SYSTEM_ACTOR: Actor = { type: "SYSTEM", name: "system" };
