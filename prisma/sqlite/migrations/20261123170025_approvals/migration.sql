-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organizationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "summary" TEXT NOT NULL,
    "justification" TEXT,
    "reason" TEXT,
    "requestedById" TEXT NOT NULL,
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workflowId" TEXT,
    "dimensionKey" TEXT,
    "scopeValue" TEXT,
    "startsAt" DATETIME,
    "endsAt" DATETIME,
    "piiAction" TEXT,
    "targetType" TEXT,
    "targetId" TEXT,
    "proposedChanges" TEXT,
    "payload" TEXT NOT NULL,
    CONSTRAINT "ApprovalRequest_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JobOccurrence" (
    "job" TEXT NOT NULL,
    "occurrence" TEXT NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "claimedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("job", "occurrence")
);

-- CreateIndex
CREATE INDEX "ApprovalRequest_organizationId_status_kind_idx" ON "ApprovalRequest"("organizationId", "status", "kind");

-- CreateIndex
CREATE INDEX "ApprovalRequest_organizationId_requestedById_idx" ON "ApprovalRequest"("organizationId", "requestedById");

-- CreateIndex
CREATE INDEX "ApprovalRequest_status_createdAt_idx" ON "ApprovalRequest"("status", "createdAt");
