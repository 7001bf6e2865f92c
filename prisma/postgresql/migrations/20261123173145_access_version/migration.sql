-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "accessVersion" INTEGER NOT NULL DEFAULT 0;
