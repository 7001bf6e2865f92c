-- AlterTable
ALTER TABLE "AccessReviewItem" ADD COLUMN "roleId" TEXT;
