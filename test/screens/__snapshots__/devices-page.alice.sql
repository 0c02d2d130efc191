-- devices-page.graphql as alice, variables {"first":50}
-- 1 statement; issue 9 target: at most 3 (nesting depth + 1): met

-- [1/1]
SELECT
  json_build_object(
    'devices', (
    WITH page AS (
      SELECT
        "hostname",
        "guid",
        "agent_id",
        "description",
        "device_type",
        "external_ip",
        "internal_ip",
        "last_seen",
        "last_user",
        "operating_system",
        "status"
      FROM "engine"."devices" AS c0
      WHERE TRUE AND EXISTS (
        SELECT
          1
        FROM engine.device_sites ds
        WHERE ds.device_hostname = c0.hostname AND ds.site_id = ANY($1::int[])
      )
      ORDER BY c0."hostname" ASC NULLS LAST, c0."guid" ASC NULLS LAST
      LIMIT $2
    ), shown AS (
      SELECT
        "hostname",
        "guid",
        "agent_id",
        "description",
        "device_type",
        "external_ip",
        "internal_ip",
        "last_seen",
        "last_user",
        "operating_system",
        "status"
      FROM page AS c0
      ORDER BY c0."hostname" ASC NULLS LAST, c0."guid" ASC NULLS LAST
      LIMIT $3
    )
    SELECT
      json_build_object(
        'totalCount', (
        SELECT
          count(*)::int
        FROM "engine"."devices" AS c1
        WHERE TRUE AND EXISTS (
          SELECT
            1
          FROM engine.device_sites ds
          WHERE ds.device_hostname = c1.hostname AND ds.site_id = ANY($4::int[])
        )
      ),
        'pageInfo', json_build_object(
          'hasNextPage', ((
          SELECT
            count(*)
          FROM page
        ) > $5),
          'endCursor', (
          SELECT
            rtrim(translate(encode(convert_to('[1,"Query.devices","hostname.asc,guid.asc",[' || COALESCE(to_json(c3."hostname")::text, 'null') || ',' || COALESCE(to_json(c3."guid")::text, 'null') || ']]', 'UTF8'), 'base64'), E'+/\n', '-_'), '=')
          FROM shown AS c3
          ORDER BY c3."hostname" DESC NULLS FIRST, c3."guid" DESC NULLS FIRST
          LIMIT 1
        )
        ),
        'edges', COALESCE((
        SELECT
          json_agg(json_build_object(
            'node', json_build_object(
              'hostname', c4."hostname",
              'description', c4."description",
              'deviceType', c4."device_type",
              'operatingSystem', c4."operating_system",
              'status', c4."status",
              'agentId', c4."agent_id",
              'lastSeen', CASE WHEN c4."last_seen" > 0 THEN to_char(to_timestamp(c4."last_seen") AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
              'lastUser', c4."last_user",
              'internalIp', c4."internal_ip",
              'externalIp', c4."external_ip",
              'site', (
              SELECT
                json_build_object(
                  'name', COALESCE(to_json(c5."name"), to_json(concat('a NULL in a non-null field')::int))
                )
              FROM "engine"."sites" AS c5
              WHERE c5.id = (
                SELECT
                  ds.site_id
                FROM engine.device_sites ds
                WHERE ds.device_hostname = c4.hostname
              ) AND c5.id = ANY($6::bigint[])
              LIMIT 1
            )
            )
          ) ORDER BY c4."hostname" ASC NULLS LAST, c4."guid" ASC NULLS LAST)
        FROM shown AS c4
      ), '[]'::json)
      )
  )
  )::text AS data;
-- values: $1 = [1], $2 = 51, $3 = 50, $4 = [1], $5 = 50, $6 = ["1"]
