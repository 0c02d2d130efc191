-- scheduled-jobs.graphql as alice, variables {"first":20}
-- 5 statements; issue 9 target: at most 3 (nesting depth + 1): not met yet

-- [1/5]
SELECT
  id::bigint AS id
FROM (
  WITH target_rows AS (
    SELECT
      src.id,
      src.target,
      CASE WHEN jsonb_typeof(src.target) = 'string' THEN src.target #>> '{}' WHEN src.target ->> 'kind' = 'device' THEN src.target ->> 'hostname' END AS hostname,
      CASE WHEN src.target ->> 'filter_id' ~ '^[0-9]{1,9}$' THEN (src.target ->> 'filter_id')::int END AS filter_id,
      CASE WHEN src.target ->> 'site_id' ~ '^[0-9]{1,9}$' THEN (src.target ->> 'site_id')::int END AS site_id
    FROM (
      SELECT
        j.id,
        t.target
      FROM engine.scheduled_jobs j
      CROSS JOIN LATERAL jsonb_array_elements( CASE WHEN jsonb_typeof(CASE WHEN pg_input_is_valid(j.targets_json, 'jsonb') THEN j.targets_json::jsonb END) = 'array' THEN CASE WHEN pg_input_is_valid(j.targets_json, 'jsonb') THEN j.targets_json::jsonb END ELSE '[]'::jsonb END) AS t(target)
    ) AS src
  )
  SELECT
    id,
    CASE WHEN hostname IS NOT NULL THEN EXISTS (
    SELECT
      1
    FROM engine.device_sites ds
    WHERE ds.device_hostname = target_rows.hostname AND ds.site_id = ANY($1::int[])
  ) WHEN jsonb_typeof(target) = 'object' AND target ->> 'kind' = 'filter' AND filter_id IS NOT NULL THEN EXISTS (
    SELECT
      1
    FROM engine.device_filter_sites fs
    WHERE fs.filter_id = target_rows.filter_id
  ) AND NOT EXISTS (
    SELECT
      1
    FROM engine.device_filter_sites fs
    WHERE fs.filter_id = target_rows.filter_id AND NOT fs.site_id = ANY($2::int[])
  ) WHEN jsonb_typeof(target) = 'object' AND target ->> 'kind' = 'onboarding_scope' THEN coalesce(target_rows.site_id = ANY($3::int[]), false) ELSE false END AS in_scope
  FROM target_rows
) AS resolved
GROUP BY id
HAVING bool_and(in_scope);
-- values: $1 = [1], $2 = [1], $3 = [1]

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
LIMIT $2;
-- values: $1 = "1", $2 = "21"

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
WHERE coalesce(r.target_hostname, '') = '' AND CASE WHEN EXISTS (
  SELECT
    1
  FROM engine.scheduled_job_run_targets t
  WHERE t.run_id = r.id
) THEN NOT EXISTS (
  SELECT
    1
  FROM engine.scheduled_job_run_targets t
  WHERE t.run_id = r.id AND NOT coalesce(t.site_id = ANY($1::int[]), false)
) ELSE r.job_id = ANY($2::bigint[]) END;
-- values: $1 = [1], $2 = ["1"]

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
WHERE ("t0"."job_id" IN ($1) AND (("t0"."target_hostname" <> $2 AND ("j2"."site_id" IN ($3) AND ("j2"."device_hostname" IS NOT NULL) AND ("j1"."guid" IS NOT NULL))) OR 1=0))
ORDER BY "t0"."scheduled_ts" DESC, "t0"."id" DESC;
-- values: $1 = 1, $2 = "", $3 = 1
