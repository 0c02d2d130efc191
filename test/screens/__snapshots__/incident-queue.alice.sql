-- incident-queue.graphql as alice, variables {"first":50}
-- 1 statement; issue 9 target: at most 3 (nesting depth + 1): met

-- [1/1]
SELECT
  json_build_object(
    'incidents', (
    WITH page AS (
      SELECT
        "opened_at",
        "id",
        "hostname",
        "severity",
        "state",
        "title",
        "trigger_count",
        "watchdog_id"
      FROM "engine"."watchdog_incidents" AS c0
      WHERE c0."state" = $1 AND c0.site_id = ANY($2::int[])
      ORDER BY c0."opened_at" DESC NULLS FIRST, c0."id" DESC NULLS FIRST
      LIMIT $3
    ), shown AS (
      SELECT
        "opened_at",
        "id",
        "hostname",
        "severity",
        "state",
        "title",
        "trigger_count",
        "watchdog_id"
      FROM page AS c0
      ORDER BY c0."opened_at" DESC NULLS FIRST, c0."id" DESC NULLS FIRST
      LIMIT $4
    )
    SELECT
      json_build_object(
        'totalCount', (
        SELECT
          count(*)::int
        FROM "engine"."watchdog_incidents" AS c1
        WHERE c1."state" = $5 AND c1.site_id = ANY($6::int[])
      ),
        'edges', COALESCE((
        SELECT
          json_agg(json_build_object(
            'node', json_build_object(
              'title', c2."title",
              'severity', COALESCE(to_json(c2."severity"), to_json(concat('a NULL in a non-null field')::int)),
              'state', COALESCE(to_json(c2."state"), to_json(concat('a NULL in a non-null field')::int)),
              'openedAt', CASE WHEN c2."opened_at" > 0 THEN to_char(to_timestamp(c2."opened_at") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
              'triggerCount', COALESCE(to_json(c2."trigger_count"), to_json(concat('a NULL in a non-null field')::int)),
              'watchdog', (
              SELECT
                json_build_object(
                  'name', COALESCE(to_json(c3."name"), to_json(concat('a NULL in a non-null field')::int))
                )
              FROM "engine"."watchdogs" AS c3
              WHERE c3.id = c2.watchdog_id AND EXISTS (
                SELECT
                  1
                FROM engine.watchdog_sites link
                WHERE link.watchdog_id = c3.id AND link.site_id = ANY($7::int[])
              )
              LIMIT 1
            ),
              'device', (
              SELECT
                json_build_object(
                  'hostname', c4."hostname"
                )
              FROM "engine"."devices" AS c4
              WHERE c4.hostname = c2.hostname AND EXISTS (
                SELECT
                  1
                FROM engine.device_sites ds
                WHERE ds.device_hostname = c4.hostname AND ds.site_id = ANY($8::int[])
              )
              LIMIT 1
            )
            )
          ) ORDER BY c2."opened_at" DESC NULLS FIRST, c2."id" DESC NULLS FIRST)
        FROM shown AS c2
      ), '[]'::json)
      )
  )
  )::text AS data;
-- values: $1 = "open", $2 = [1], $3 = 51, $4 = 50, $5 = "open", $6 = [1], $7 = [1], $8 = [1]
