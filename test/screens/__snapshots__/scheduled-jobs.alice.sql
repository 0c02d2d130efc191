-- scheduled-jobs.graphql as alice, variables {"first":20}
-- 5 statements; issue 9 target: at most 3 (nesting depth + 1): not met yet

-- [1/5]
SELECT
  id::bigint AS id,
  targets_json
FROM engine.scheduled_jobs;
-- values: none

-- [2/5]
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
        *
      FROM unnest($1::bigint[], $2::jsonb[]) AS src(id, target)
    ) AS src
  )
  SELECT
    id,
    CASE WHEN hostname IS NOT NULL THEN EXISTS (
    SELECT
      1
    FROM engine.device_sites ds
    WHERE ds.device_hostname = target_rows.hostname AND ds.site_id = ANY($3::int[])
  ) WHEN jsonb_typeof(target) = 'object' AND target ->> 'kind' = 'filter' AND filter_id IS NOT NULL THEN EXISTS (
    SELECT
      1
    FROM engine.device_filter_sites fs
    WHERE fs.filter_id = target_rows.filter_id
  ) AND NOT EXISTS (
    SELECT
      1
    FROM engine.device_filter_sites fs
    WHERE fs.filter_id = target_rows.filter_id AND NOT fs.site_id = ANY($4::int[])
  ) WHEN jsonb_typeof(target) = 'object' AND target ->> 'kind' = 'onboarding_scope' THEN coalesce(target_rows.site_id = ANY($5::int[]), false) ELSE false END AS in_scope
  FROM target_rows
) AS resolved
GROUP BY id
HAVING bool_and(in_scope);
-- values: $1 = ["1", "1", "1", "1", "2", "3", "3", "4", "5", "5", "5", "6", "6"], $2 = ["{\"device_guid\":\"c2154f32-566d-48e2-a8a0-870174766071\",\"hostname\":\"WS-ACME-0001\",\"kind\":\"device\",\"site_id\":1,\"site_name\":\"Acme HQ\"}", "{\"device_guid\":\"01635c20-2109-462b-9c41-30d99a4b8e0a\",\"hostname\":\"LT-ACME-0001\",\"kind\":\"device\",\"site_id\":1,\"site_name\":\"Acme HQ\"}", "{\"device_guid\":\"343260e3-e249-40bd-a08d-9d06e8e90f4f\",\"hostname\":\"WS-ACME-0002\",\"kind\":\"device\",\"site_id\":1,\"site_name\":\"Acme HQ\"}", "\"WS-ACME-0003\"", "{\"filter_id\":1,\"kind\":\"filter\",\"name\":\"All Windows Servers\"}", "{\"filter_id\":4,\"kind\":\"filter\",\"name\":\"Linux Servers - Globex\"}", "{\"device_guid\":\"9af7b837-39d4-43e9-b283-e9887ab6373c\",\"hostname\":\"vm-globex-0001\",\"kind\":\"device\",\"site_id\":3,\"site_name\":\"Globex Plant\"}", "{\"entries\":[\"10.66.0.50 # LAB-AIO-01\",\"10.66.0.51\",\"lab-build-02.umbrella.lab\"],\"exclusions\":[\"10.66.0.1 # gateway\"],\"kind\":\"onboarding_scope\",\"site_id\":5,\"site_name\":\"Umbrella Lab\"}", "{\"device_guid\":\"57c0d4a7-be57-4a8f-a92d-d02c39399a6f\",\"hostname\":\"WS-GLOBEX-0001\",\"kind\":\"device\",\"site_id\":3,\"site_name\":\"Globex Plant\"}", "{\"device_guid\":\"d242aa10-076c-462e-be4a-7937d6eb4d1b\",\"hostname\":\"LT-GLOBEX-0001\",\"kind\":\"device\",\"site_id\":3,\"site_name\":\"Globex Plant\"}", "{\"device_guid\":\"0b0057e9-91c0-4153-a0c2-494696a667e6\",\"hostname\":\"WS-GLOBEX-0002\",\"kind\":\"device\",\"site_id\":3,\"site_name\":\"Globex Plant\"}", "{\"device_guid\":\"08ee120d-c4bb-40d8-86f1-9ea907b46a00\",\"hostname\":\"WS-ACMEBR-0001\",\"kind\":\"device\",\"site_id\":2,\"site_name\":\"Acme Branch Office\"}", "{\"device_guid\":\"aa8e97be-0430-4823-95cc-6d981fbd93c2\",\"hostname\":\"WS-ACMEBR-0002\",\"kind\":\"device\",\"site_id\":2,\"site_name\":\"Acme Branch Office\"}"], $3 = [1], $4 = [1], $5 = [1]

-- [3/5]
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

-- [4/5]
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

-- [5/5]
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
      WHERE "row".job_id = parent.key AND (("row".target_hostname <> '' AND EXISTS (
        SELECT
          1
        FROM engine.devices d
        JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
        WHERE d.hostname = "row".target_hostname AND ds.site_id = ANY($2::int[])
      )) OR ( coalesce("row".target_hostname, '') = '' AND CASE WHEN EXISTS (
        SELECT
          1
        FROM engine.scheduled_job_run_targets t
        WHERE t.run_id = "row".id
      ) THEN NOT EXISTS (
        SELECT
          1
        FROM engine.scheduled_job_run_targets t
        WHERE t.run_id = "row".id AND NOT coalesce(t.site_id = ANY($3::int[]), false)
      ) ELSE "row".job_id = ANY($4::bigint[]) END)) AND TRUE
      ORDER BY "row".scheduled_ts DESC, "row".id DESC
      LIMIT $5
    ) AS page
  ) AS q
) AS "__combined_0";
-- values: $1 = [1], $2 = [1], $3 = [1], $4 = ["1"], $5 = 5
