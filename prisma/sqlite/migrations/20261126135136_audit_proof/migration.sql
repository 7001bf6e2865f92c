-- DropIndex
DROP INDEX "AuditCheckpoint_chain_seq_idx";

-- AlterTable
ALTER TABLE "AuditCheckpoint" ADD COLUMN "digest" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AuditCheckpoint_chain_seq_key" ON "AuditCheckpoint"("chain", "seq");

-- Written by hand: signed checkpoints are append-only below the application too, like AuditEvent.
CREATE TRIGGER "AuditCheckpoint_no_update" BEFORE UPDATE ON "AuditCheckpoint"
BEGIN
  SELECT RAISE(ABORT, 'AuditCheckpoint is append-only');
END;
CREATE TRIGGER "AuditCheckpoint_no_delete" BEFORE DELETE ON "AuditCheckpoint"
BEGIN
  SELECT RAISE(ABORT, 'AuditCheckpoint is append-only');
END;
