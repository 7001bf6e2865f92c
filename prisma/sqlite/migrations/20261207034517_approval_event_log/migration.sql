-- CreateTable
CREATE TABLE "ApprovalEventLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "organizationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ApprovalEventLog_organizationId_id_idx" ON "ApprovalEventLog"("organizationId", "id");

-- CreateIndex
CREATE INDEX "ApprovalEventLog_at_idx" ON "ApprovalEventLog"("at");
