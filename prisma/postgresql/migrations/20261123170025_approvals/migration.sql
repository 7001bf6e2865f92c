-- CreateEnum
CREATE TYPE "ApprovalKind" AS ENUM ('WORKFLOW', 'ACCESS_SCOPE', 'PII_CHANGE');

-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED');

-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "kind" "ApprovalKind" NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "summary" TEXT NOT NULL,
    "justification" TEXT,
    "reason" TEXT,
    "requestedById" TEXT NOT NULL,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workflowId" TEXT,
    "dimensionKey" TEXT,
    "scopeValue" TEXT,
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "piiAction" TEXT,
    "targetType" TEXT,
    "targetId" TEXT,
    "proposedChanges" TEXT,
    "payload" TEXT NOT NULL,

    CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobOccurrence" (
    "job" TEXT NOT NULL,
    "occurrence" TEXT NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobOccurrence_pkey" PRIMARY KEY ("job","occurrence")
);

-- CreateIndex
CREATE INDEX "ApprovalRequest_organizationId_status_kind_idx" ON "ApprovalRequest"("organizationId", "status", "kind");

-- CreateIndex
CREATE INDEX "ApprovalRequest_organizationId_requestedById_idx" ON "ApprovalRequest"("organizationId", "requestedById");

-- CreateIndex
CREATE INDEX "ApprovalRequest_status_createdAt_idx" ON "ApprovalRequest"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
