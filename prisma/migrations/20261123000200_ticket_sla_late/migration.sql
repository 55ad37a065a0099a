-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "firstResponseLate" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "resolutionLate" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Ticket_tenantId_updatedAt_idx" ON "Ticket"("tenantId", "updatedAt");

