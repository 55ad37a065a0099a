-- AlterTable
ALTER TABLE "BotUpdate" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "chatId" BIGINT,
ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "payload" JSONB,
ADD COLUMN     "processedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "BotDelivery" ADD COLUMN     "dedupKey" TEXT;

-- CreateIndex
CREATE INDEX "BotUpdate_tenantId_botId_processedAt_idx" ON "BotUpdate"("tenantId", "botId", "processedAt");

-- CreateIndex
CREATE UNIQUE INDEX "BotDelivery_tenantId_dedupKey_key" ON "BotDelivery"("tenantId", "dedupKey");

