-- CreateTable
CREATE TABLE "KpiRollup" (
    "organizationId" TEXT NOT NULL,
    "kpiId" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "period" TIMESTAMP(3) NOT NULL,
    "d1" TEXT NOT NULL DEFAULT '',
    "d2" TEXT NOT NULL DEFAULT '',
    "d3" TEXT NOT NULL DEFAULT '',
    "d4" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "KpiRollup_pkey" PRIMARY KEY ("kpiId","level","period","d1","d2","d3","d4")
);

-- CreateTable
CREATE TABLE "KpiBatch" (
    "organizationId" TEXT NOT NULL,
    "kpiId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KpiBatch_pkey" PRIMARY KEY ("kpiId","key")
);

-- Backfill (written by hand): the rollups of every point already stored, at each level, so an
-- upgraded database answers `Kpi.series` exactly. Periods are timestamp(3) in UTC.
INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max")
SELECT "organizationId", "kpiId", 'DAY', date_trunc('day', "period"), COALESCE("d1", ''), COALESCE("d2", ''), COALESCE("d3", ''), COALESCE("d4", ''), COUNT(*), SUM("value"), MIN("value"), MAX("value")
FROM "KpiDataPoint" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max")
SELECT "organizationId", "kpiId", 'MONTH', date_trunc('month', "period"), COALESCE("d1", ''), COALESCE("d2", ''), COALESCE("d3", ''), COALESCE("d4", ''), COUNT(*), SUM("value"), MIN("value"), MAX("value")
FROM "KpiDataPoint" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO "KpiRollup" ("organizationId", "kpiId", "level", "period", "d1", "d2", "d3", "d4", "count", "sum", "min", "max")
SELECT "organizationId", "kpiId", 'YEAR', date_trunc('year', "period"), COALESCE("d1", ''), COALESCE("d2", ''), COALESCE("d3", ''), COALESCE("d4", ''), COUNT(*), SUM("value"), MIN("value"), MAX("value")
FROM "KpiDataPoint" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
