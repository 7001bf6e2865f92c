-- Written by hand where Prisma's diff redefines tables: inside the migration's transaction foreign
-- keys cannot be switched off, so a redefined Organization would cascade its deletes. Adding a
-- column with a default needs no redefine; the login throttle holds only transient counters and is
-- recreated under its new key.

-- AlterTable
ALTER TABLE "Workflow" ADD COLUMN "definedById" TEXT;

-- AlterTable
ALTER TABLE "WorkflowRun" ADD COLUMN "blockedVersion" TEXT;

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN "lockVersion" INTEGER NOT NULL DEFAULT 0;

-- Recreate: throttle counters are transient
DROP TABLE "LoginThrottle";
CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "attempts" INTEGER NOT NULL,
    "windowStartAt" DATETIME NOT NULL,
    "lockedUntil" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "WorkflowRun_workflowId_blockedVersion_key" ON "WorkflowRun"("workflowId", "blockedVersion");
