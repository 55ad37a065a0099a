import { builder } from "./builder.js";
import { ComplianceKindEnum, ComplianceStatusEnum } from "./enums.js";
import { tenantNode } from "./tenant-node.js";

export const ComplianceCheckRef = builder.prismaNode("ComplianceCheck", {
  ...tenantNode,
  description: "A compliance task (KYC, AML screening…) on a contact, record or settlement.",
  authScopes: { can: "back:read" },
  fields: (t) => ({
    kind: t.expose("kind", { type: ComplianceKindEnum }),
    status: t.expose("status", { type: ComplianceStatusEnum }),
    dueAt: t.expose("dueAt", { type: "DateTime" }),
    overdue: t.boolean({
      description: "Still undecided after its due date.",
      resolve: (c) => (c.status === "PENDING" || c.status === "IN_REVIEW") && c.dueAt.getTime() < Date.now(),
    }),
    subjectContact: t.relation("subjectContact", { nullable: true }),
    subjectRecord: t.relation("subjectRecord", { nullable: true }),
    subjectSettlement: t.relation("subjectSettlement", { nullable: true }),
    evidence: t.expose("evidence", { type: "JSON" }),
    notes: t.exposeString("notes", { nullable: true }),
    decisionReason: t.exposeString("decisionReason", { nullable: true }),
    decidedAt: t.expose("decidedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});
