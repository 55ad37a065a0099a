-- Deliveries the outbox never got (the process stopped, or the database or the event bus
-- failed, between an operator's reply or a resolution and its BotDelivery row) are found
-- by the bot's sweep: recent messages and resolved tickets with no delivery (these indexes).
-- A long text sent in parts records how many went out, so a retry sends only the rest.

-- AlterTable
ALTER TABLE "BotDelivery" ADD COLUMN     "partsSent" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Message_tenantId_createdAt_idx" ON "Message"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "BotDelivery_tenantId_messageId_idx" ON "BotDelivery"("tenantId", "messageId");

-- CreateIndex
CREATE INDEX "BotDelivery_tenantId_ticketId_kind_idx" ON "BotDelivery"("tenantId", "ticketId", "kind");
