-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "lockVersion" INTEGER NOT NULL DEFAULT 0;

-- Throttle counters are transient: cleared so the new key column can be required
DELETE FROM "LoginThrottle";

-- AlterTable
ALTER TABLE "LoginThrottle" DROP CONSTRAINT "LoginThrottle_pkey",
DROP COLUMN "email",
DROP COLUMN "failures",
ADD COLUMN     "attempts" INTEGER NOT NULL,
ADD COLUMN     "key" TEXT NOT NULL,
ADD CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key");

-- AlterTable
ALTER TABLE "Workflow" ADD COLUMN     "definedById" TEXT;

-- AlterTable
ALTER TABLE "WorkflowRun" ADD COLUMN     "blockedVersion" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "WorkflowRun_workflowId_blockedVersion_key" ON "WorkflowRun"("workflowId", "blockedVersion");
