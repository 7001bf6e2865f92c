-- AlterTable
ALTER TABLE "Organization" ADD COLUMN "maxAccessDays" INTEGER;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "keyId" TEXT;

-- AlterTable
ALTER TABLE "AccessScope" ADD COLUMN "expiryNotifiedAt" DATETIME;

-- CreateTable
CREATE TABLE "ApprovalPolicy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "requiredApprovals" INTEGER NOT NULL DEFAULT 1,
    "countedRoles" TEXT NOT NULL DEFAULT '[]',
    "updatedById" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ApprovalVote" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "comment" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RevokedToken" (
    "jti" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AccessReview" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "coverage" TEXT NOT NULL,
    "kpiId" TEXT,
    "dimensionKey" TEXT,
    "dimensionValue" TEXT,
    "deadline" DATETIME NOT NULL,
    "defaultOutcome" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" DATETIME
);

-- CreateTable
CREATE TABLE "AccessReviewItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "reviewId" TEXT NOT NULL,
    "itemType" TEXT NOT NULL,
    "scopeId" TEXT,
    "roleAssignmentId" TEXT,
    "subjectUserId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "decision" TEXT,
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "automatic" BOOLEAN NOT NULL DEFAULT false
);

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "chain" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL
);

-- AlterTable (written by hand: Prisma's diff redefines the table; adding columns with defaults
-- needs no redefine, and inside the migration's transaction foreign keys cannot be switched off)
ALTER TABLE "ApprovalRequest" ADD COLUMN "requiredApprovals" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "ApprovalRequest" ADD COLUMN "countedRoles" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "ApprovalRequest" ADD COLUMN "approvalCount" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalPolicy_organizationId_kind_subject_key" ON "ApprovalPolicy"("organizationId", "kind", "subject");

-- CreateIndex
CREATE INDEX "ApprovalVote_organizationId_requestId_idx" ON "ApprovalVote"("organizationId", "requestId");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalVote_requestId_userId_key" ON "ApprovalVote"("requestId", "userId");

-- CreateIndex
CREATE INDEX "RevokedToken_expiresAt_idx" ON "RevokedToken"("expiresAt");

-- CreateIndex
CREATE INDEX "AccessReview_organizationId_status_idx" ON "AccessReview"("organizationId", "status");

-- CreateIndex
CREATE INDEX "AccessReview_status_deadline_idx" ON "AccessReview"("status", "deadline");

-- CreateIndex
CREATE INDEX "AccessReviewItem_reviewId_decision_idx" ON "AccessReviewItem"("reviewId", "decision");

-- CreateIndex
CREATE INDEX "AccessReviewItem_organizationId_reviewerId_idx" ON "AccessReviewItem"("organizationId", "reviewerId");

-- CreateIndex
CREATE INDEX "AuditCheckpoint_chain_seq_idx" ON "AuditCheckpoint"("chain", "seq");
