-- DropIndex
DROP INDEX "KpiDataPoint_kpiId_period_idx";

-- CreateIndex
CREATE INDEX "KpiDataPoint_kpiId_period_d1_d2_idx" ON "KpiDataPoint"("kpiId", "period", "d1", "d2");
