-- AlterTable (a column with a constant default: SQLite adds it in place)
ALTER TABLE "Kpi" ADD COLUMN "dataVersion" INTEGER NOT NULL DEFAULT 0;
