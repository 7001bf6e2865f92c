-- AlterTable
ALTER TABLE "AuditCheckpoint" ADD COLUMN     "prevSeq" INTEGER,
ADD COLUMN     "prevSignatureHash" TEXT;

-- CreateTable
CREATE TABLE "AuditAnchorDelivery" (
    "id" TEXT NOT NULL,
    "checkpointId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "AuditAnchorDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditAnchorDelivery_target_status_nextAttemptAt_idx" ON "AuditAnchorDelivery"("target", "status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditAnchorDelivery_checkpointId_target_key" ON "AuditAnchorDelivery"("checkpointId", "target");

-- CreateIndex
CREATE UNIQUE INDEX "AuditCheckpoint_chain_prevSeq_key" ON "AuditCheckpoint"("chain", "prevSeq");

-- AddForeignKey
ALTER TABLE "AuditAnchorDelivery" ADD CONSTRAINT "AuditAnchorDelivery_checkpointId_fkey" FOREIGN KEY ("checkpointId") REFERENCES "AuditCheckpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
