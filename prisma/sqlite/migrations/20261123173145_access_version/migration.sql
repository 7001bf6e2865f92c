-- AlterTable (written by hand: Prisma's diff redefines the table, which inside the migration's
-- transaction cannot switch foreign keys off; adding a column with a default needs no redefine)
ALTER TABLE "Organization" ADD COLUMN "accessVersion" INTEGER NOT NULL DEFAULT 0;
