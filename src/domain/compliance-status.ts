// A compliance check's lifecycle, on its own so that contacts (merging) and
// compliance can both ask whether a check is decided without importing each other.
import type { ComplianceStatus } from "../generated/prisma/index.js";

/** The only moves a check can make. */
export const CHECK_TRANSITIONS: Record<ComplianceStatus, readonly ComplianceStatus[]> = {
  PENDING: ["IN_REVIEW"],
  IN_REVIEW: ["PASSED", "FAILED", "WAIVED"],
  PASSED: [],
  FAILED: [],
  WAIVED: [],
};

export const OPEN_STATUSES: readonly ComplianceStatus[] = ["PENDING", "IN_REVIEW"];

export function isDecided(status: ComplianceStatus): boolean {
  return CHECK_TRANSITIONS[status].length === 0;
}
