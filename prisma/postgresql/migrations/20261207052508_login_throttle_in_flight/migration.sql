-- AlterTable
ALTER TABLE "LoginThrottle" ADD COLUMN     "inFlight" INTEGER NOT NULL DEFAULT 0;
