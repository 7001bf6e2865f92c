-- CreateTable
CREATE TABLE "KpiRollup" (
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
);

-- CreateTable
CREATE TABLE "KpiBatch" (
    "organizationId" TEXT NOT NULL,
    "kpiId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("kpiId", "key")
);

-- Backfill (written by hand): the rollups of every point already stored, at each level, so an
-- upgraded database answers `Kpi.series` exactly. Periods are stored as ISO text
-- (2024-01-05T10:00:00.000+00:00): a UTC day, month or year starts where its prefix ends.
INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max")
SELECT "organizationId", "kpiId", 'DAY', substr("period", 1, 10) || 'T00:00:00.000+00:00', COALESCE("d1", ''), COALESCE("d2", ''), COALESCE("d3", ''), COALESCE("d4", ''), COUNT(*), SUM("value"), MIN("value"), MAX("value")
FROM "KpiDataPoint" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max")
SELECT "organizationId", "kpiId", 'MONTH', substr("period", 1, 7) || '-01T00:00:00.000+00:00', COALESCE("d1", ''), COALESCE("d2", ''), COALESCE("d3", ''), COALESCE("d4", ''), COUNT(*), SUM("value"), MIN("value"), MAX("value")
FROM "KpiDataPoint" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max")
SELECT "organizationId", "kpiId", 'YEAR', substr("period", 1, 4) || '-01-01T00:00:00.000+00:00', COALESCE("d1", ''), COALESCE("d2", ''), COALESCE("d3", ''), COALESCE("d4", ''), COUNT(*), SUM("value"), MIN("value"), MAX("value")
FROM "KpiDataPoint" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
