-- Written by hand, SQLite only (Prisma's schema language cannot say it): KpiRollup becomes a
-- WITHOUT ROWID table. Its rows then live in the B-tree of their primary key instead of in a rowid
-- table plus a second B-tree for the key, so every rollup a batch writes is one B-tree insert or
-- update instead of two, and the transaction dirties half as many pages (bulk import,
-- docs/benchmarks.md). Columns, key and rows are unchanged; PostgreSQL has no such choice.
CREATE TABLE "new_KpiRollup" (
    "organizationId" TEXT NOT NULL,
    "kpiId" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "period" DATETIME NOT NULL,
    "d1" TEXT NOT NULL DEFAULT '',
    "d2" TEXT NOT NULL DEFAULT '',
    "d3" TEXT NOT NULL DEFAULT '',
    "d4" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL,
    "sum" REAL NOT NULL,
    "min" REAL NOT NULL,
    "max" REAL NOT NULL,

    PRIMARY KEY ("kpiId", "level", "period", "d1", "d2", "d3", "d4")
) WITHOUT ROWID;
INSERT INTO "new_KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max")
SELECT "organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max" FROM "KpiRollup";
DROP TABLE "KpiRollup";
ALTER TABLE "new_KpiRollup" RENAME TO "KpiRollup";
