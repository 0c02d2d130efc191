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
  (
  SELECT
    coalesce(json_agg(q ORDER BY q."__n"), '[]'::json)
  FROM (
    SELECT
      parent.key AS "__parent",
      page."id"::text AS "id",
      page."job_id" AS "jobId",
      page."scheduled_ts" AS "scheduledTs",
      page."started_ts" AS "startedTs",
      page."finished_ts" AS "finishedTs",
      page."status" AS "status",
      page."error" AS "error",
      page."created_at" AS "createdAt",
      page."updated_at" AS "updatedAt",
      page."target_hostname" AS "targetHostname",
      page."skip_reason" AS "skipReason",
      page."shared_execution" AS "sharedExecution",
      page."component_index" AS "componentIndex",
      page."component_kind" AS "componentKind",
      page."component_name" AS "componentName",
      page."workflow_run_id" AS "workflowRunId",
      row_number() OVER (ORDER BY parent.position, page.scheduled_ts DESC, page.id DESC) AS "__n"
    FROM unnest($1::int[])
    WITH ORDINALITY AS parent(key, position)
    CROSS JOIN LATERAL (
      SELECT
        "row"."id",
        "row"."job_id",
        "row"."scheduled_ts",
        "row"."started_ts",
        "row"."finished_ts",
        "row"."status",
        "row"."error",
        "row"."created_at",
        "row"."updated_at",
        "row"."target_hostname",
        "row"."skip_reason",
        "row"."shared_execution",
        "row"."component_index",
        "row"."component_kind",
        "row"."component_name",
        "row"."workflow_run_id"
      FROM engine.scheduled_job_runs AS "row"
      WHERE "row".job_id = parent.key AND TRUE AND TRUE
      ORDER BY "row".scheduled_ts DESC, "row".id DESC
      LIMIT $2
    ) AS page
  ) AS q
) AS "__combined_0";
-- values: $1 = [6, 4, 2, 3, 5, 1], $2 = 5
