-- CreateTable
CREATE TABLE "ApprovalEventLog" (
    "id" SERIAL NOT NULL,
    "organizationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "request" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApprovalEventLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApprovalEventLog_organizationId_id_idx" ON "ApprovalEventLog"("organizationId", "id");

-- CreateIndex
CREATE INDEX "ApprovalEventLog_at_idx" ON "ApprovalEventLog"("at");
