-- PII_CHANGE requests raised before 2026-11-26 have summaries naming the record by its internal id
-- ("Change of email of Customer cm…"); the current wording names it by its name ("Change of email
-- of customer "Acme""), or says it no longer exists. Rewritten in the requests and in the approval
-- event log's copies of them. Audit events keep the wording they were signed with (append-only).
UPDATE "ApprovalRequest"
SET "summary" =
  left("summary", length("summary") - length(' of ' || "targetType" || ' ' || "targetId")) || ' of ' ||
  COALESCE(
    lower("targetType") || ' "' || left(
      CASE "targetType"
        WHEN 'Customer' THEN (SELECT c."name" FROM "Customer" c WHERE c."id" = "ApprovalRequest"."targetId")
        WHEN 'Lead' THEN (SELECT l."name" FROM "Lead" l WHERE l."id" = "ApprovalRequest"."targetId")
      END, 80) || '"',
    'a ' || lower("targetType") || ' that no longer exists'
  )
WHERE "kind" = 'PII_CHANGE'
  AND "targetType" IN ('Customer', 'Lead')
  AND "targetId" IS NOT NULL
  AND right("summary", length(' of ' || "targetType" || ' ' || "targetId")) = ' of ' || "targetType" || ' ' || "targetId";

UPDATE "ApprovalEventLog" e
SET "request" = jsonb_set(e."request"::jsonb, '{summary}', to_jsonb(r."summary"))::text
FROM "ApprovalRequest" r
WHERE r."id" = e."requestId" AND r."kind" = 'PII_CHANGE' AND r."targetId" IS NOT NULL
  AND right(e."request"::jsonb ->> 'summary', length(' of ' || r."targetType" || ' ' || r."targetId")) = ' of ' || r."targetType" || ' ' || r."targetId";
