-- AlterTable
ALTER TABLE "AuditCheckpoint" ADD COLUMN "prevSeq" INTEGER;
ALTER TABLE "AuditCheckpoint" ADD COLUMN "prevSignatureHash" TEXT;

-- CreateTable
CREATE TABLE "AuditAnchorDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "checkpointId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "deliveredAt" DATETIME,
    CONSTRAINT "AuditAnchorDelivery_checkpointId_fkey" FOREIGN KEY ("checkpointId") REFERENCES "AuditCheckpoint" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AuditAnchorDelivery_target_status_nextAttemptAt_idx" ON "AuditAnchorDelivery"("target", "status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditAnchorDelivery_checkpointId_target_key" ON "AuditAnchorDelivery"("checkpointId", "target");

-- CreateIndex
CREATE UNIQUE INDEX "AuditCheckpoint_chain_prevSeq_key" ON "AuditCheckpoint"("chain", "prevSeq");
