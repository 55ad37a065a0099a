import { builder } from "./builder.js";
import { FeedbackKindEnum } from "./enums.js";
import { tenantNode } from "./tenant-node.js";

export const FeedbackRef = builder.prismaNode("Feedback", {
  ...tenantNode,
  description: "A customer's rating: CSAT 1–5, NPS 0–10 or CES 1–7.",
  authScopes: { can: "front:read" },
  fields: (t) => ({
    kind: t.expose("kind", { type: FeedbackKindEnum }),
    score: t.exposeInt("score"),
    comment: t.exposeString("comment", { nullable: true }),
    contact: t.relation("contact"),
    ticket: t.relation("ticket", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});
