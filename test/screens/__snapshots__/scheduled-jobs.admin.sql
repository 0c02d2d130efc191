-- scheduled-jobs.graphql as admin, variables {"first":20}
-- 1 statement; issue 9 target: at most 3 (nesting depth + 1): met

-- [1/1]
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
      WHERE TRUE AND TRUE
      ORDER BY c0."name" ASC NULLS LAST, c0."id" ASC NULLS LAST
      LIMIT $1
    ), shown AS (
      SELECT
        "name",
        "id",
        "enabled",
        "job_kind",
        "schedule_type"
      FROM page AS c0
      ORDER BY c0."name" ASC NULLS LAST, c0."id" ASC NULLS LAST
      LIMIT $2
    )
    SELECT
      json_build_object(
        'totalCount', (
        SELECT
          count(*)::int
        FROM "engine"."scheduled_jobs" AS c1
        WHERE TRUE AND TRUE
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
                WHERE c3.job_id = c2.id AND TRUE AND TRUE
                ORDER BY c3.scheduled_ts DESC, c3.id DESC
                LIMIT $3
              ) AS c3
            ), '[]'::json)
            )
          ) ORDER BY c2."name" ASC NULLS LAST, c2."id" ASC NULLS LAST)
        FROM shown AS c2
      ), '[]'::json)
      )
  )
  )::text AS data;
-- values: $1 = 21, $2 = 20, $3 = 5
