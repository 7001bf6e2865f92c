-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LoginThrottle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "attempts" INTEGER NOT NULL,
    "inFlight" INTEGER NOT NULL DEFAULT 0,
    "windowStartAt" DATETIME NOT NULL,
    "lockedUntil" DATETIME
);
INSERT INTO "new_LoginThrottle" ("attempts", "key", "lockedUntil", "windowStartAt") SELECT "attempts", "key", "lockedUntil", "windowStartAt" FROM "LoginThrottle";
DROP TABLE "LoginThrottle";
ALTER TABLE "new_LoginThrottle" RENAME TO "LoginThrottle";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
