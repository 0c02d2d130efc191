-- incident-queue.graphql as admin, variables {"first":50}
-- 3 statements; issue 9 target: at most 3 (nesting depth + 1): met

-- [1/3]
SELECT
  "t0"."id",
  "t0"."watchdog_id" AS "watchdogId",
  "t0"."device_guid" AS "deviceGuid",
  "t0"."hostname",
  "t0"."site_id" AS "siteId",
  "t0"."severity",
  "t0"."state",
  "t0"."title",
  "t0"."message",
  "t0"."opened_at" AS "openedAt",
  "t0"."updated_at" AS "updatedAt",
  "t0"."resolved_at" AS "resolvedAt",
  "t0"."resolution_reason" AS "resolutionReason",
  "t0"."acknowledged_at" AS "acknowledgedAt",
  "t0"."acknowledged_by" AS "acknowledgedBy",
  "t0"."trigger_count" AS "triggerCount"
FROM "engine"."watchdog_incidents" AS "t0"
WHERE "t0"."state" IN ($1,$2,$3)
ORDER BY "t0"."opened_at" DESC, "t0"."id" DESC
LIMIT $4;
-- values: $1 = "open", $2 = "OPEN", $3 = "Open", $4 = "51"

-- [2/3]
SELECT
  COUNT(*) AS "_count$_all"
FROM (
  SELECT
    "engine"."watchdog_incidents"."id"
  FROM "engine"."watchdog_incidents"
  WHERE "engine"."watchdog_incidents"."state" IN ($1,$2,$3)
  OFFSET $4
) AS "sub";
-- values: $1 = "open", $2 = "OPEN", $3 = "Open", $4 = "0"

-- [3/3]
SELECT
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
    WHERE "row".id = ANY($1::bigint[]) AND TRUE
  ) AS q
) AS "__combined_0",
  (
  SELECT
    coalesce(json_agg(q), '[]'::json)
  FROM (
    SELECT
      "row"."guid" AS "guid",
      "row"."hostname" AS "hostname",
      "row"."description" AS "description",
      "row"."created_at" AS "createdAt",
      "row"."last_enrollment_at" AS "lastEnrollmentAt",
      "row"."agent_hash" AS "agentHash",
      "row"."device_type" AS "deviceType",
      "row"."domain" AS "domain",
      "row"."external_ip" AS "externalIp",
      "row"."internal_ip" AS "internalIp",
      "row"."last_reboot" AS "lastReboot",
      "row"."last_seen" AS "lastSeen",
      "row"."cpu_percent" AS "cpuPercent",
      "row"."memory_percent" AS "memoryPercent",
      "row"."last_user" AS "lastUser",
      "row"."operating_system" AS "operatingSystem",
      "row"."uptime" AS "uptime",
      "row"."agent_id" AS "agentId",
      "row"."connection_type" AS "connectionType",
      "row"."connection_endpoint" AS "connectionEndpoint",
      "row"."agent_release_channel_override" AS "agentReleaseChannelOverride",
      "row"."agent_release_channel" AS "agentReleaseChannel",
      "row"."agent_branch" AS "agentBranch",
      "row"."agent_update_channel" AS "agentUpdateChannel",
      "row"."agent_update_target_build_id" AS "agentUpdateTargetBuildId",
      "row"."agent_update_state" AS "agentUpdateState",
      "row"."agent_update_error" AS "agentUpdateError",
      "row"."agent_update_source" AS "agentUpdateSource",
      "row"."ssl_key_fingerprint" AS "sslKeyFingerprint",
      "row"."token_version" AS "tokenVersion",
      "row"."status" AS "status",
      "row"."key_added_at" AS "keyAddedAt",
      (
      SELECT
        json_build_object(
          'siteId', ds.site_id
        )
      FROM engine.device_sites ds
      WHERE ds.device_hostname = "row".hostname
    ) AS "deviceSite"
    FROM "engine"."devices" AS "row"
    WHERE "row".hostname = ANY($2::text[]) AND TRUE
  ) AS q
) AS "__combined_1";
-- values: $1 = ["1", "3", "2"], $2 = ["SRV-ACME-0007", "LT-ACME-0001", "WS-ACME-0001", "SRV-GLOBEX-0001", "VM-ACME-0001"]
