-- scheduled-jobs.graphql as admin, variables {"first":20}
-- 3 statements; issue 9 target: at most 3 (nesting depth + 1): met

-- [1/3]
SELECT
  "t0"."id",
  "t0"."name",
  "t0"."components_json" AS "componentsJson",
  "t0"."targets_json" AS "targetsJson",
  "t0"."schedule_type" AS "scheduleType",
  "t0"."start_ts" AS "startTs",
  "t0"."duration_stop_enabled" AS "durationStopEnabled",
  "t0"."expiration",
  "t0"."execution_context" AS "executionContext",
  "t0"."credential_id" AS "credentialId",
  "t0"."use_service_account" AS "useServiceAccount",
  "t0"."job_kind" AS "jobKind",
  "t0"."enabled",
  "t0"."created_at" AS "createdAt",
  "t0"."updated_at" AS "updatedAt"
FROM "engine"."scheduled_jobs" AS "t0"
WHERE 1=1
ORDER BY "t0"."name" ASC, "t0"."id" ASC
LIMIT $1;
-- values: $1 = "21"

-- [2/3]
SELECT
  COUNT(*) AS "_count$_all"
FROM (
  SELECT
    "engine"."scheduled_jobs"."id"
  FROM "engine"."scheduled_jobs"
  WHERE 1=1
  OFFSET $1
) AS "sub";
-- values: $1 = "0"

-- [3/3]
SELECT
  "t0"."id",
  "t0"."job_id" AS "jobId",
  "t0"."scheduled_ts" AS "scheduledTs",
  "t0"."started_ts" AS "startedTs",
  "t0"."finished_ts" AS "finishedTs",
  "t0"."status",
  "t0"."error",
  "t0"."created_at" AS "createdAt",
  "t0"."updated_at" AS "updatedAt",
  "t0"."target_hostname" AS "targetHostname",
  "t0"."skip_reason" AS "skipReason",
  "t0"."shared_execution" AS "sharedExecution",
  "t0"."component_index" AS "componentIndex",
  "t0"."component_kind" AS "componentKind",
  "t0"."component_name" AS "componentName",
  "t0"."workflow_run_id" AS "workflowRunId"
FROM "engine"."scheduled_job_runs" AS "t0"
WHERE "t0"."job_id" IN ($1,$2,$3,$4,$5,$6)
ORDER BY "t0"."scheduled_ts" DESC, "t0"."id" DESC;
-- values: $1 = 6, $2 = 4, $3 = 2, $4 = 3, $5 = 5, $6 = 1
