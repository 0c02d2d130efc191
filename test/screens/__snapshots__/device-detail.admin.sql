-- device-detail.graphql as admin, variables {"hostname":"WS-ACME-0001","first":10}
-- 1 statement; issue 9 target: at most 5 (nesting depth + 1): met

-- [1/1]
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
      WHERE c0."hostname" = $1 AND TRUE
      ORDER BY c0."hostname" ASC NULLS LAST, c0."guid" ASC NULLS LAST
      LIMIT $2
    ), shown AS (
      SELECT
        "hostname",
        "guid",
        "last_seen",
        "operating_system",
        "status"
      FROM page AS c0
      ORDER BY c0."hostname" ASC NULLS LAST, c0."guid" ASC NULLS LAST
      LIMIT $3
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
              ) AND TRUE
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
                LIMIT $4
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
                  WHERE c5.id = c4.watchdog_id AND TRUE
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
                WHERE c4.hostname = c1.hostname AND TRUE AND c4."state" = $5
                ORDER BY c4."opened_at" DESC, c4."id" DESC
                LIMIT $6
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
                      WHERE c8.id = c7.job_id AND TRUE
                      LIMIT 1
                    )
                    )
                  FROM "engine"."scheduled_job_runs" AS c7
                  WHERE c7.id = c6.run_id AND TRUE
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
                WHERE c6.hostname = c1.hostname AND TRUE AND TRUE
                ORDER BY c6."id" DESC
                LIMIT $7
              ) AS c6
            ), '[]'::json)
            )
          ) ORDER BY c1."hostname" ASC NULLS LAST, c1."guid" ASC NULLS LAST)
        FROM shown AS c1
      ), '[]'::json)
      )
  )
  )::text AS data;
-- values: $1 = "WS-ACME-0001", $2 = 2, $3 = 1, $4 = 100, $5 = "open", $6 = 10, $7 = 10
