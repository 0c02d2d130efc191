-- device-detail.graphql as admin, variables {"hostname":"WS-ACME-0001","first":10}
-- 3 statements; issue 9 target: at most 5 (nesting depth + 1): met

-- [1/3]
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
LEFT JOIN LATERAL (
  SELECT
    JSONB_BUILD_OBJECT(
      'siteId', "t1"."site_id"
    ) AS "__prisma_data__"
  FROM "engine"."device_sites" AS "t1"
  WHERE "t0"."hostname" = "t1"."device_hostname"
  LIMIT $1
) AS "Device_deviceSite" ON true
LEFT JOIN LATERAL (
  SELECT
    COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__"
  FROM (
    SELECT
      "t4"."__prisma_data__"
    FROM (
      SELECT
        JSONB_BUILD_OBJECT(
          'id', "t3"."id"::text,
          'watchdogId', "t3"."watchdog_id",
          'deviceGuid', "t3"."device_guid",
          'hostname', "t3"."hostname",
          'siteId', "t3"."site_id",
          'severity', "t3"."severity",
          'state', "t3"."state",
          'title', "t3"."title",
          'message', "t3"."message",
          'openedAt', "t3"."opened_at",
          'updatedAt', "t3"."updated_at",
          'resolvedAt', "t3"."resolved_at",
          'resolutionReason', "t3"."resolution_reason",
          'acknowledgedAt', "t3"."acknowledged_at",
          'acknowledgedBy', "t3"."acknowledged_by",
          'triggerCount', "t3"."trigger_count"
        ) AS "__prisma_data__",
        "t3"."opened_at",
        "t3"."id",
        "t3"."state"
      FROM (
        SELECT
          "t2".*
        FROM "engine"."watchdog_incidents" AS "t2"
        WHERE "t0"."hostname" = "t2"."hostname" /* root select */
      ) AS "t3" /* inner select */
    ) AS "t4"
    WHERE "t4"."state" IN ($2,$3,$4)
    ORDER BY "t4"."opened_at" DESC, "t4"."id" DESC
    LIMIT $5 /* middle select */
  ) AS "t5" /* outer select */
) AS "Device_watchdogIncidents" ON true
LEFT JOIN LATERAL (
  SELECT
    COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__"
  FROM (
    SELECT
      "t8"."__prisma_data__"
    FROM (
      SELECT
        JSONB_BUILD_OBJECT(
          'id', "t7"."id"::text,
          'runId', "t7"."run_id",
          'deviceGuid', "t7"."device_guid",
          'hostname', "t7"."hostname",
          'siteId', "t7"."site_id",
          'resolvedFromFilterId', "t7"."resolved_from_filter_id",
          'inventoryHostname', "t7"."inventory_hostname",
          'wireguardPeerIp', "t7"."wireguard_peer_ip",
          'resolvedConnection', "t7"."resolved_connection",
          'resolutionStatus', "t7"."resolution_status",
          'resolutionReason', "t7"."resolution_reason",
          'resolvedFromFilterIdsJson', "t7"."resolved_from_filter_ids_json",
          'createdAt', "t7"."created_at"
        ) AS "__prisma_data__",
        "t7"."id"
      FROM (
        SELECT
          "t6".*
        FROM "engine"."scheduled_job_run_targets" AS "t6"
        WHERE "t0"."hostname" = "t6"."hostname" /* root select */
      ) AS "t7" /* inner select */
    ) AS "t8"
    WHERE 1=1
    ORDER BY "t8"."id" DESC
    LIMIT $6 /* middle select */
  ) AS "t9" /* outer select */
) AS "Device_scheduledJobRunTargets" ON true
WHERE "t0"."hostname" = $7
ORDER BY "t0"."hostname"ASC NULLS LAST, "t0"."guid" ASC
LIMIT $8;
-- values: $1 = "1", $2 = "open", $3 = "OPEN", $4 = "Open", $5 = "10", $6 = "10", $7 = "WS-ACME-0001", $8 = "2"

-- [2/3]
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
    WHERE "row".id = ANY($1::bigint[]) AND TRUE
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
    FROM unnest($2::text[])
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
      LIMIT $3
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
    WHERE "row".id = ANY($4::bigint[]) AND TRUE
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
    WHERE "row".id = ANY($5::bigint[]) AND TRUE
  ) AS q
) AS "__combined_3";
-- values: $1 = ["1"], $2 = ["C2154F32-566D-48E2-A8A0-870174766071"], $3 = 100, $4 = ["2", "3"], $5 = ["9", "5", "1"]

-- [3/3]
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
    WHERE "row".id = ANY($1::bigint[]) AND TRUE
  ) AS q
) AS "__combined_0";
-- values: $1 = ["1"]
