-- scheduled-jobs.graphql as alice, variables {"first":20}
-- 3 statements; issue 9 target: at most 3 (nesting depth + 1): met

-- [1/3]
SELECT
  id::bigint AS id,
  targets_json
FROM engine.scheduled_jobs;
-- values: none

-- [2/3]
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

-- [3/3]
SELECT
  json_build_object(
    'scheduledJobs', (
    WITH page AS (
      SELECT
        "name",
        "id",
        "enabled",
        "job_kind",
        "schedule_type"
      FROM "engine"."scheduled_jobs" AS c0
      WHERE TRUE AND c0.id = ANY($1::bigint[])
      ORDER BY c0."name" ASC NULLS LAST, c0."id" ASC NULLS LAST
      LIMIT $2
    ), shown AS (
      SELECT
        "name",
        "id",
        "enabled",
        "job_kind",
        "schedule_type"
      FROM page AS c0
      ORDER BY c0."name" ASC NULLS LAST, c0."id" ASC NULLS LAST
      LIMIT $3
    )
    SELECT
      json_build_object(
        'totalCount', (
        SELECT
          count(*)::int
        FROM "engine"."scheduled_jobs" AS c1
        WHERE TRUE AND c1.id = ANY($4::bigint[])
      ),
        'edges', COALESCE((
        SELECT
          json_agg(json_build_object(
            'node', json_build_object(
              'name', COALESCE(to_json(c2."name"), to_json(concat('a NULL in a non-null field')::int)),
              'jobKind', c2."job_kind",
              'enabled', COALESCE(c2."enabled" <> 0, false),
              'scheduleType', c2."schedule_type",
              'runs', COALESCE((
              SELECT
                json_agg(json_build_object(
                  'status', c3."status",
                  'scheduledAt', CASE WHEN c3."scheduled_ts" > 0 THEN to_char(to_timestamp(c3."scheduled_ts") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
                  'startedAt', CASE WHEN c3."started_ts" > 0 THEN to_char(to_timestamp(c3."started_ts") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
                  'finishedAt', CASE WHEN c3."finished_ts" > 0 THEN to_char(to_timestamp(c3."finished_ts") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
                  'targetHostname', c3."target_hostname"
                ) ORDER BY c3.scheduled_ts DESC, c3.id DESC)
              FROM (
                SELECT
                  "finished_ts",
                  "id",
                  "scheduled_ts",
                  "started_ts",
                  "status",
                  "target_hostname"
                FROM engine.scheduled_job_runs AS c3
                WHERE c3.job_id = c2.id AND ((c3.target_hostname <> '' AND EXISTS (
                  SELECT
                    1
                  FROM engine.devices d
                  JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
                  WHERE d.hostname = c3.target_hostname AND ds.site_id = ANY($5::int[])
                )) OR ( coalesce(c3.target_hostname, '') = '' AND CASE WHEN EXISTS (
                  SELECT
                    1
                  FROM engine.scheduled_job_run_targets t
                  WHERE t.run_id = c3.id
                ) THEN NOT EXISTS (
                  SELECT
                    1
                  FROM engine.scheduled_job_run_targets t
                  WHERE t.run_id = c3.id AND NOT coalesce(t.site_id = ANY($6::int[]), false)
                ) ELSE c3.job_id = ANY($7::bigint[]) END)) AND TRUE
                ORDER BY c3.scheduled_ts DESC, c3.id DESC
                LIMIT $8
              ) AS c3
            ), '[]'::json)
            )
          ) ORDER BY c2."name" ASC NULLS LAST, c2."id" ASC NULLS LAST)
        FROM shown AS c2
      ), '[]'::json)
      )
  )
  )::text AS data;
-- values: $1 = ["1"], $2 = 21, $3 = 20, $4 = ["1"], $5 = [1], $6 = [1], $7 = [1n], $8 = 5
