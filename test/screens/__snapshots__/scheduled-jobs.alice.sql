-- scheduled-jobs.graphql as alice, variables {"first":20}
-- 5 statements; issue 9 target: at most 3 (nesting depth + 1): not met yet

-- [1/5]
SELECT
  r.job_id::bigint AS id
FROM engine.scheduled_job_runs r
JOIN engine.scheduled_job_run_targets t ON t.run_id = r.id
GROUP BY r.job_id
HAVING bool_and(coalesce(t.site_id = ANY($1::int[]), false));
-- values: $1 = [1]

-- [2/5]
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
WHERE "t0"."id" IN ($1)
ORDER BY "t0"."name" ASC, "t0"."id" ASC
LIMIT $2
OFFSET $3;
-- values: $1 = "1", $2 = "21", $3 = "0"

-- [3/5]
SELECT
  COUNT(*) AS "_count$_all"
FROM (
  SELECT
    "engine"."scheduled_jobs"."id"
  FROM "engine"."scheduled_jobs"
  WHERE "engine"."scheduled_jobs"."id" IN ($1)
  OFFSET $2
) AS "sub";
-- values: $1 = "1", $2 = "0"

-- [4/5]
SELECT
  r.id::bigint AS id
FROM engine.scheduled_job_runs r
JOIN engine.scheduled_job_run_targets t ON t.run_id = r.id
WHERE coalesce(r.target_hostname, '') = ''
GROUP BY r.id
HAVING bool_and(coalesce(t.site_id = ANY($1::int[]), false));
-- values: $1 = [1]

-- [5/5]
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
LEFT JOIN "engine"."devices" AS "j1" ON ("j1"."hostname") = ("t0"."target_hostname")
LEFT JOIN "engine"."device_sites" AS "j2" ON ("j2"."device_hostname") = ("j1"."hostname")
WHERE ("t0"."job_id" IN ($1) AND (("j2"."site_id" IN ($2) AND ("j2"."device_hostname" IS NOT NULL) AND ("j1"."guid" IS NOT NULL)) OR 1=0))
ORDER BY "t0"."scheduled_ts" DESC, "t0"."id" DESC;
-- values: $1 = 1, $2 = 1
