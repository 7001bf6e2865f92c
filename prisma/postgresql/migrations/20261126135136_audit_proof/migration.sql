-- DropIndex
DROP INDEX "AuditCheckpoint_chain_seq_idx";

-- AlterTable
ALTER TABLE "AuditCheckpoint" ADD COLUMN     "digest" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AuditCheckpoint_chain_seq_key" ON "AuditCheckpoint"("chain", "seq");

-- Written by hand: signed checkpoints are append-only below the application too, like AuditEvent.
CREATE FUNCTION "audit_checkpoint_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditCheckpoint is append-only';
END;
$$;
CREATE TRIGGER "AuditCheckpoint_no_update_delete" BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION "audit_checkpoint_append_only"();
CREATE TRIGGER "AuditCheckpoint_no_truncate" BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_checkpoint_append_only"();
