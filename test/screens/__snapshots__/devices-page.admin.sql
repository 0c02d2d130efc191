-- devices-page.graphql as admin, variables {"first":50}
-- 3 statements; issue 9 target: at most 3 (nesting depth + 1): met

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
  "Device_deviceSite"."__prisma_data__" AS "deviceSite"
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
WHERE 1=1
ORDER BY "t0"."hostname"ASC NULLS LAST, "t0"."guid" ASC
LIMIT $2;
-- values: $1 = "1", $2 = "51"

-- [2/3]
SELECT
  COUNT(*) AS "_count$_all"
FROM (
  SELECT
    "engine"."devices"."guid"
  FROM "engine"."devices"
  WHERE 1=1
  OFFSET $1
) AS "sub";
-- values: $1 = "0"

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
      "row"."created_at" AS "createdAt",
      "row"."enrollment_code" AS "enrollmentCode",
      "row"."auto_approve_until" AS "autoApproveUntil"
    FROM "engine"."sites" AS "row"
    WHERE "row".id = ANY($1::bigint[]) AND TRUE
  ) AS q
) AS "__combined_0";
-- values: $1 = ["1", "2", "3", "4"]
