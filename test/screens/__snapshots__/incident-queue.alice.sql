-- incident-queue.graphql as alice, variables {"first":50}
-- 5 statements; issue 9 target: at most 3 (nesting depth + 1): not met yet

-- [1/5]
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
WHERE ("t0"."state" IN ($1,$2,$3) AND "t0"."site_id" IN ($4))
ORDER BY "t0"."opened_at" DESC, "t0"."id" DESC
LIMIT $5;
-- values: $1 = "open", $2 = "OPEN", $3 = "Open", $4 = 1, $5 = "51"

-- [2/5]
SELECT
  COUNT(*) AS "_count$_all"
FROM (
  SELECT
    "engine"."watchdog_incidents"."id"
  FROM "engine"."watchdog_incidents"
  WHERE ("engine"."watchdog_incidents"."state" IN ($1,$2,$3) AND "engine"."watchdog_incidents"."site_id" IN ($4))
  OFFSET $5
) AS "sub";
-- values: $1 = "open", $2 = "OPEN", $3 = "Open", $4 = 1, $5 = "0"

-- [3/5]
SELECT
  DISTINCT watchdog_id::bigint AS id
FROM engine.watchdog_sites
WHERE site_id = ANY($1::int[]);
-- values: $1 = [1]

-- [4/5]
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
  "Device_deviceSite"."__prisma_data__" AS "deviceSite"
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
WHERE ("t0"."hostname" IN ($2,$3,$4,$5) AND ("j1"."site_id" IN ($6) AND ("j1"."device_hostname" IS NOT NULL)));
-- values: $1 = "1", $2 = "SRV-ACME-0007", $3 = "LT-ACME-0001", $4 = "WS-ACME-0001", $5 = "VM-ACME-0001", $6 = 1

-- [5/5]
SELECT
  "t0"."id",
  "t0"."name",
  "t0"."description",
  "t0"."archived",
  "t0"."enabled",
  "t0"."severity",
  "t0"."match_mode" AS "matchMode",
  "t0"."site_mode" AS "siteMode",
  "t0"."criteria_json" AS "criteriaJson",
  "t0"."actions_json" AS "actionsJson",
  "t0"."evaluation_interval_seconds" AS "evaluationIntervalSeconds",
  "t0"."cooldown_seconds" AS "cooldownSeconds",
  "t0"."auto_resolve_after_seconds" AS "autoResolveAfterSeconds",
  "t0"."min_consecutive_matches" AS "minConsecutiveMatches",
  "t0"."boot_grace_seconds" AS "bootGraceSeconds",
  "t0"."last_edited_by" AS "lastEditedBy",
  "t0"."created_at" AS "createdAt",
  "t0"."updated_at" AS "updatedAt",
  "t0"."last_evaluated_at" AS "lastEvaluatedAt",
  "t0"."target_device_count" AS "targetDeviceCount"
FROM "engine"."watchdogs" AS "t0"
WHERE ("t0"."id" IN ($1,$2,$3) AND "t0"."id" IN ($4));
-- values: $1 = "1", $2 = "3", $3 = "2", $4 = "2"
