-- device-detail.graphql as alice, variables {"hostname":"WS-ACME-0001","first":10}
-- 3 statements; issue 9 target: at most 5 (nesting depth + 1): met

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
    'devices', (
    WITH page AS (
      SELECT
        "hostname",
        "guid",
        "last_seen",
        "operating_system",
        "status"
      FROM "engine"."devices" AS c0
      WHERE c0."hostname" = $1 AND EXISTS (
        SELECT
          1
        FROM engine.device_sites ds
        WHERE ds.device_hostname = c0.hostname AND ds.site_id = ANY($2::int[])
      )
      ORDER BY c0."hostname" ASC NULLS LAST, c0."guid" ASC NULLS LAST
      LIMIT $3
    ), shown AS (
      SELECT
        "hostname",
        "guid",
        "last_seen",
        "operating_system",
        "status"
      FROM page AS c0
      ORDER BY c0."hostname" ASC NULLS LAST, c0."guid" ASC NULLS LAST
      LIMIT $4
    )
    SELECT
      json_build_object(
        'edges', COALESCE((
        SELECT
          json_agg(json_build_object(
            'node', json_build_object(
              'hostname', c1."hostname",
              'guid', COALESCE(to_json(c1."guid"), to_json(concat('a NULL in a non-null field')::int)),
              'operatingSystem', c1."operating_system",
              'status', c1."status",
              'lastSeen', CASE WHEN c1."last_seen" > 0 THEN to_char(to_timestamp(c1."last_seen") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
              'site', (
              SELECT
                json_build_object(
                  'name', COALESCE(to_json(c2."name"), to_json(concat('a NULL in a non-null field')::int))
                )
              FROM "engine"."sites" AS c2
              WHERE c2.id = (
                SELECT
                  ds.site_id
                FROM engine.device_sites ds
                WHERE ds.device_hostname = c1.hostname
              ) AND c2.id = ANY($5::bigint[])
              LIMIT 1
            ),
              'installedSoftware', COALESCE((
              SELECT
                json_agg(json_build_object(
                  'name', COALESCE(to_json(c3."name"), to_json(concat('a NULL in a non-null field')::int)),
                  'version', c3."version",
                  'source', c3."source"
                ) ORDER BY c3.name_normalized ASC, c3.id ASC)
              FROM (
                SELECT
                  "id",
                  "name",
                  "name_normalized",
                  "source",
                  "version"
                FROM engine.device_software_inventory AS c3
                WHERE c3.device_guid = ANY(ARRAY[upper(btrim(c1.guid)), lower(upper(btrim(c1.guid)))]) AND TRUE
                ORDER BY c3.name_normalized ASC, c3.id ASC
                LIMIT $6
              ) AS c3
            ), '[]'::json),
              'incidents', COALESCE((
              SELECT
                json_agg(json_build_object(
                  'title', c4."title",
                  'severity', COALESCE(to_json(c4."severity"), to_json(concat('a NULL in a non-null field')::int)),
                  'openedAt', CASE WHEN c4."opened_at" > 0 THEN to_char(to_timestamp(c4."opened_at") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
                  'watchdog', (
                  SELECT
                    json_build_object(
                      'name', COALESCE(to_json(c5."name"), to_json(concat('a NULL in a non-null field')::int)),
                      'severity', COALESCE(to_json(c5."severity"), to_json(concat('a NULL in a non-null field')::int))
                    )
                  FROM "engine"."watchdogs" AS c5
                  WHERE c5.id = c4.watchdog_id AND EXISTS (
                    SELECT
                      1
                    FROM engine.watchdog_sites link
                    WHERE link.watchdog_id = c5.id AND link.site_id = ANY($7::int[])
                  )
                  LIMIT 1
                )
                ) ORDER BY c4."opened_at" DESC, c4."id" DESC)
              FROM (
                SELECT
                  "id",
                  "opened_at",
                  "severity",
                  "title",
                  "watchdog_id"
                FROM "engine"."watchdog_incidents" AS c4
                WHERE c4.hostname = c1.hostname AND c4.site_id = ANY($8::int[]) AND c4."state" = $9
                ORDER BY c4."opened_at" DESC, c4."id" DESC
                LIMIT $10
              ) AS c4
            ), '[]'::json),
              'runTargets', COALESCE((
              SELECT
                json_agg(json_build_object(
                  'hostname', COALESCE(to_json(c6."hostname"), to_json(concat('a NULL in a non-null field')::int)),
                  'resolutionStatus', c6."resolution_status",
                  'run', (
                  SELECT
                    json_build_object(
                      'status', c7."status",
                      'scheduledAt', CASE WHEN c7."scheduled_ts" > 0 THEN to_char(to_timestamp(c7."scheduled_ts") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
                      'finishedAt', CASE WHEN c7."finished_ts" > 0 THEN to_char(to_timestamp(c7."finished_ts") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
                      'job', (
                      SELECT
                        json_build_object(
                          'name', COALESCE(to_json(c8."name"), to_json(concat('a NULL in a non-null field')::int))
                        )
                      FROM "engine"."scheduled_jobs" AS c8
                      WHERE c8.id = c7.job_id AND c8.id = ANY($11::bigint[])
                      LIMIT 1
                    )
                    )
                  FROM "engine"."scheduled_job_runs" AS c7
                  WHERE c7.id = c6.run_id AND ((c7.target_hostname <> '' AND EXISTS (
                    SELECT
                      1
                    FROM engine.devices d
                    JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
                    WHERE d.hostname = c7.target_hostname AND ds.site_id = ANY($12::int[])
                  )) OR ( coalesce(c7.target_hostname, '') = '' AND CASE WHEN EXISTS (
                    SELECT
                      1
                    FROM engine.scheduled_job_run_targets t
                    WHERE t.run_id = c7.id
                  ) THEN NOT EXISTS (
                    SELECT
                      1
                    FROM engine.scheduled_job_run_targets t
                    WHERE t.run_id = c7.id AND NOT coalesce(t.site_id = ANY($13::int[]), false)
                  ) ELSE c7.job_id = ANY($14::bigint[]) END))
                  LIMIT 1
                )
                ) ORDER BY c6."id" DESC)
              FROM (
                SELECT
                  "hostname",
                  "id",
                  "resolution_status",
                  "run_id"
                FROM "engine"."scheduled_job_run_targets" AS c6
                WHERE c6.hostname = c1.hostname AND c6.site_id = ANY($15::int[]) AND TRUE
                ORDER BY c6."id" DESC
                LIMIT $16
              ) AS c6
            ), '[]'::json)
            )
          ) ORDER BY c1."hostname" ASC NULLS LAST, c1."guid" ASC NULLS LAST)
        FROM shown AS c1
      ), '[]'::json)
      )
  )
  )::text AS data;
-- values: $1 = "WS-ACME-0001", $2 = [1], $3 = 2, $4 = 1, $5 = ["1"], $6 = 100, $7 = [1], $8 = [1], $9 = "open", $10 = 10, $11 = ["1"], $12 = [1], $13 = [1], $14 = [1n], $15 = [1], $16 = 10
