-- device-detail.graphql as alice, variables {"hostname":"WS-ACME-0001","first":10}
-- 5 statements; issue 9 target: at most 5 (nesting depth + 1): met

-- [1/5]
SELECT
  "t0"."guid",
  "t0"."hostname",
  "t0"."description",
  "t0"."created_at" AS "createdAt",
  "t0"."last_enrollment_at" AS "lastEnrollmentAt",
  "t0"."agent_hash" AS "agentHash",
  "t0"."device_type" AS "deviceType",
  "t0"."domain",
  "t0"."external_ip" AS "externalIp",
  "t0"."internal_ip" AS "internalIp",
  "t0"."last_reboot" AS "lastReboot",
  "t0"."last_seen" AS "lastSeen",
  "t0"."cpu_percent" AS "cpuPercent",
  "t0"."memory_percent" AS "memoryPercent",
  "t0"."last_user" AS "lastUser",
  "t0"."operating_system" AS "operatingSystem",
  "t0"."uptime",
  "t0"."agent_id" AS "agentId",
  "t0"."connection_type" AS "connectionType",
  "t0"."connection_endpoint" AS "connectionEndpoint",
  "t0"."agent_release_channel_override" AS "agentReleaseChannelOverride",
  "t0"."agent_release_channel" AS "agentReleaseChannel",
  "t0"."agent_branch" AS "agentBranch",
  "t0"."agent_update_channel" AS "agentUpdateChannel",
  "t0"."agent_update_target_build_id" AS "agentUpdateTargetBuildId",
  "t0"."agent_update_state" AS "agentUpdateState",
  "t0"."agent_update_error" AS "agentUpdateError",
  "t0"."agent_update_source" AS "agentUpdateSource",
  "t0"."ssl_key_fingerprint" AS "sslKeyFingerprint",
  "t0"."token_version" AS "tokenVersion",
  "t0"."status",
  "t0"."key_added_at" AS "keyAddedAt",
  "Device_deviceSite"."__prisma_data__" AS "deviceSite",
  "Device_watchdogIncidents"."__prisma_data__" AS "watchdogIncidents",
  "Device_scheduledJobRunTargets"."__prisma_data__" AS "scheduledJobRunTargets"
FROM "engine"."devices" AS "t0"
LEFT JOIN "engine"."device_sites" AS "j1" ON ("j1"."device_hostname") = ("t0"."hostname")
LEFT JOIN LATERAL (
  SELECT
    JSONB_BUILD_OBJECT(
      'siteId', "t2"."site_id"
    ) AS "__prisma_data__"
  FROM "engine"."device_sites" AS "t2"
  WHERE "t0"."hostname" = "t2"."device_hostname"
  LIMIT $1
) AS "Device_deviceSite" ON true
LEFT JOIN LATERAL (
  SELECT
    COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__"
  FROM (
    SELECT
      "t5"."__prisma_data__"
    FROM (
      SELECT
        JSONB_BUILD_OBJECT(
          'id', "t4"."id"::text,
          'watchdogId', "t4"."watchdog_id",
          'deviceGuid', "t4"."device_guid",
          'hostname', "t4"."hostname",
          'siteId', "t4"."site_id",
          'severity', "t4"."severity",
          'state', "t4"."state",
          'title', "t4"."title",
          'message', "t4"."message",
          'openedAt', "t4"."opened_at",
          'updatedAt', "t4"."updated_at",
          'resolvedAt', "t4"."resolved_at",
          'resolutionReason', "t4"."resolution_reason",
          'acknowledgedAt', "t4"."acknowledged_at",
          'acknowledgedBy', "t4"."acknowledged_by",
          'triggerCount', "t4"."trigger_count"
        ) AS "__prisma_data__",
        "t4"."opened_at",
        "t4"."id",
        "t4"."site_id",
        "t4"."state"
      FROM (
        SELECT
          "t3".*
        FROM "engine"."watchdog_incidents" AS "t3"
        WHERE "t0"."hostname" = "t3"."hostname" /* root select */
      ) AS "t4" /* inner select */
    ) AS "t5"
    WHERE ("t5"."site_id" IN ($2) AND "t5"."state" IN ($3,$4,$5))
    ORDER BY "t5"."opened_at" DESC, "t5"."id" DESC
    LIMIT $6 /* middle select */
  ) AS "t6" /* outer select */
) AS "Device_watchdogIncidents" ON true
LEFT JOIN LATERAL (
  SELECT
    COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__"
  FROM (
    SELECT
      "t9"."__prisma_data__"
    FROM (
      SELECT
        JSONB_BUILD_OBJECT(
          'id', "t8"."id"::text,
          'runId', "t8"."run_id",
          'deviceGuid', "t8"."device_guid",
          'hostname', "t8"."hostname",
          'siteId', "t8"."site_id",
          'resolvedFromFilterId', "t8"."resolved_from_filter_id",
          'inventoryHostname', "t8"."inventory_hostname",
          'wireguardPeerIp', "t8"."wireguard_peer_ip",
          'resolvedConnection', "t8"."resolved_connection",
          'resolutionStatus', "t8"."resolution_status",
          'resolutionReason', "t8"."resolution_reason",
          'resolvedFromFilterIdsJson', "t8"."resolved_from_filter_ids_json",
          'createdAt', "t8"."created_at"
        ) AS "__prisma_data__",
        "t8"."id",
        "t8"."site_id"
      FROM (
        SELECT
          "t7".*
        FROM "engine"."scheduled_job_run_targets" AS "t7"
        WHERE "t0"."hostname" = "t7"."hostname" /* root select */
      ) AS "t8" /* inner select */
    ) AS "t9"
    WHERE "t9"."site_id" IN ($7)
    ORDER BY "t9"."id" DESC
    LIMIT $8 /* middle select */
  ) AS "t10" /* outer select */
) AS "Device_scheduledJobRunTargets" ON true
WHERE ("t0"."hostname" = $9 AND ("j1"."site_id" IN ($10) AND ("j1"."device_hostname" IS NOT NULL)))
ORDER BY "t0"."hostname"ASC NULLS LAST, "t0"."guid" ASC
LIMIT $11;
-- values: $1 = "1", $2 = 1, $3 = "open", $4 = "OPEN", $5 = "Open", $6 = "10", $7 = 1, $8 = "10", $9 = "WS-ACME-0001", $10 = 1, $11 = "2"

-- [2/5]
SELECT
  id::bigint AS id,
  targets_json
FROM engine.scheduled_jobs;
-- values: none

-- [3/5]
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

-- [4/5]
SELECT
  (
  SELECT
    coalesce(json_agg(q), '[]'::json)
  FROM (
    SELECT
      "row"."id"::text AS "id",
      "row"."name" AS "name",
      "row"."description" AS "description",
      "row"."created_at" AS "createdAt",
      "row"."enrollment_code" AS "enrollmentCode",
      "row"."auto_approve_until" AS "autoApproveUntil"
    FROM "engine"."sites" AS "row"
    WHERE "row".id = ANY($1::bigint[]) AND "row".id = ANY($2::bigint[])
  ) AS q
) AS "__combined_0",
  (
  SELECT
    coalesce(json_agg(q ORDER BY q."__n"), '[]'::json)
  FROM (
    SELECT
      parent.key AS "__parent",
      page."id"::text AS "id",
      page."device_guid" AS "deviceGuid",
      page."name" AS "name",
      page."name_normalized" AS "nameNormalized",
      page."version" AS "version",
      page."source" AS "source",
      page."captured_at" AS "capturedAt",
      page."metadata_json" AS "metadataJson",
      row_number() OVER (ORDER BY parent.position, page.name_normalized ASC, page.id ASC) AS "__n"
    FROM unnest($3::text[])
    WITH ORDINALITY AS parent(key, position)
    CROSS JOIN LATERAL (
      SELECT
        "row"."id",
        "row"."device_guid",
        "row"."name",
        "row"."name_normalized",
        "row"."version",
        "row"."source",
        "row"."captured_at",
        "row"."metadata_json"
      FROM engine.device_software_inventory AS "row"
      WHERE "row".device_guid = ANY(ARRAY[parent.key, lower(parent.key)]) AND TRUE
      ORDER BY "row".name_normalized ASC, "row".id ASC
      LIMIT $4
    ) AS page
  ) AS q
) AS "__combined_1",
  (
  SELECT
    coalesce(json_agg(q), '[]'::json)
  FROM (
    SELECT
      "row"."id"::text AS "id",
      "row"."name" AS "name",
      "row"."description" AS "description",
      "row"."archived" AS "archived",
      "row"."enabled" AS "enabled",
      "row"."severity" AS "severity",
      "row"."match_mode" AS "matchMode",
      "row"."site_mode" AS "siteMode",
      "row"."criteria_json" AS "criteriaJson",
      "row"."actions_json" AS "actionsJson",
      "row"."evaluation_interval_seconds" AS "evaluationIntervalSeconds",
      "row"."cooldown_seconds" AS "cooldownSeconds",
      "row"."auto_resolve_after_seconds" AS "autoResolveAfterSeconds",
      "row"."min_consecutive_matches" AS "minConsecutiveMatches",
      "row"."boot_grace_seconds" AS "bootGraceSeconds",
      "row"."last_edited_by" AS "lastEditedBy",
      "row"."created_at" AS "createdAt",
      "row"."updated_at" AS "updatedAt",
      "row"."last_evaluated_at" AS "lastEvaluatedAt",
      "row"."target_device_count" AS "targetDeviceCount"
    FROM "engine"."watchdogs" AS "row"
    WHERE "row".id = ANY($5::bigint[]) AND EXISTS (
      SELECT
        1
      FROM engine.watchdog_sites link
      WHERE link.watchdog_id = "row".id AND link.site_id = ANY($6::int[])
    )
  ) AS q
) AS "__combined_2",
  (
  SELECT
    coalesce(json_agg(q), '[]'::json)
  FROM (
    SELECT
      "row"."id"::text AS "id",
      "row"."job_id" AS "jobId",
      "row"."scheduled_ts" AS "scheduledTs",
      "row"."started_ts" AS "startedTs",
      "row"."finished_ts" AS "finishedTs",
      "row"."status" AS "status",
      "row"."error" AS "error",
      "row"."created_at" AS "createdAt",
      "row"."updated_at" AS "updatedAt",
      "row"."target_hostname" AS "targetHostname",
      "row"."skip_reason" AS "skipReason",
      "row"."shared_execution" AS "sharedExecution",
      "row"."component_index" AS "componentIndex",
      "row"."component_kind" AS "componentKind",
      "row"."component_name" AS "componentName",
      "row"."workflow_run_id" AS "workflowRunId"
    FROM "engine"."scheduled_job_runs" AS "row"
    WHERE "row".id = ANY($7::bigint[]) AND (("row".target_hostname <> '' AND EXISTS (
      SELECT
        1
      FROM engine.devices d
      JOIN engine.device_sites ds ON ds.device_hostname = d.hostname
      WHERE d.hostname = "row".target_hostname AND ds.site_id = ANY($8::int[])
    )) OR ( coalesce("row".target_hostname, '') = '' AND CASE WHEN EXISTS (
      SELECT
        1
      FROM engine.scheduled_job_run_targets t
      WHERE t.run_id = "row".id
    ) THEN NOT EXISTS (
      SELECT
        1
      FROM engine.scheduled_job_run_targets t
      WHERE t.run_id = "row".id AND NOT coalesce(t.site_id = ANY($9::int[]), false)
    ) ELSE "row".job_id = ANY($10::bigint[]) END))
  ) AS q
) AS "__combined_3";
-- values: $1 = ["1"], $2 = ["1"], $3 = ["C2154F32-566D-48E2-A8A0-870174766071"], $4 = 100, $5 = ["2", "3"], $6 = [1], $7 = ["9", "5", "1"], $8 = [1], $9 = [1], $10 = ["1"]

-- [5/5]
SELECT
  (
  SELECT
    coalesce(json_agg(q), '[]'::json)
  FROM (
    SELECT
      "row"."id"::text AS "id",
      "row"."name" AS "name",
      "row"."components_json" AS "componentsJson",
      "row"."targets_json" AS "targetsJson",
      "row"."schedule_type" AS "scheduleType",
      "row"."start_ts" AS "startTs",
      "row"."duration_stop_enabled" AS "durationStopEnabled",
      "row"."expiration" AS "expiration",
      "row"."execution_context" AS "executionContext",
      "row"."credential_id" AS "credentialId",
      "row"."use_service_account" AS "useServiceAccount",
      "row"."job_kind" AS "jobKind",
      "row"."enabled" AS "enabled",
      "row"."created_at" AS "createdAt",
      "row"."updated_at" AS "updatedAt"
    FROM "engine"."scheduled_jobs" AS "row"
    WHERE "row".id = ANY($1::bigint[]) AND "row".id = ANY($2::bigint[])
  ) AS q
) AS "__combined_0";
-- values: $1 = ["1"], $2 = ["1"]
