/** Agent reads and the build-hash report (agent API 4.7, 4.8): script polling, metadata fields, hash. */
import { AgentError } from '../../auth/agent-error.js';
import { GUID_SPELLINGS_SQL, type AuthenticatedDevice } from '../../auth/device-auth.js';
import { normalizeGuid } from '../../auth/device-token.js';
import type { AgentServices } from './common.js';
import { metadataFieldKey } from './ingest.js';

/** It never hands out work (job delivery moved to the site worker); quarantined devices poll slower. */
export function scriptRequest(services: AgentServices, device: AuthenticatedDevice) {
  const active = device.status === 'active';
  return { status: active ? 'idle' : 'quarantined', poll_after_ms: active ? 30000 : 60000, sig_alg: 'ed25519', signing_key: services.scriptSigningKey };
}

export async function metadataField(services: AgentServices, device: AuthenticatedDevice, rawNumber: string) {
  const fieldNumber = /^\d{1,3}$/.test(rawNumber) ? Number(rawNumber) : NaN;
  if (!(fieldNumber >= 1 && fieldNumber <= 500)) throw new AgentError('invalid', 'invalid_field');
  const { rows } = await services.pool.query<{ device: boolean; field_key: string | null; value: string | null; modified_at: number | null; source: string | null; actor: string | null; description: string | null }>(
    `SELECT d.guid IS NOT NULL AS device, f.field_key, f.value, f.modified_at, f.source, f.actor, def.description
       FROM (SELECT 1) one
       LEFT JOIN engine.devices d ON d.guid = ANY(${GUID_SPELLINGS_SQL('$1')})
       LEFT JOIN engine.device_metadata_fields f ON upper(f.device_guid) = $1 AND f.field_number = $2
       LEFT JOIN engine.metadata_field_definitions def ON def.field_number = $2`,
    [device.guid, fieldNumber],
  );
  const row = rows[0]!;
  if (!row.device) throw new AgentError('not_found', 'device_not_registered');
  const value = row.value ? Buffer.from(row.value, 'base64').toString('utf8') : '';
  return {
    field: {
      field_number: fieldNumber,
      field_key: row.field_key ?? metadataFieldKey(fieldNumber),
      label: row.description?.trim() || `Field ${String(fieldNumber).padStart(3, '0')}`,
      value,
      modified_at: row.modified_at === null ? null : Number(row.modified_at),
      source: row.source,
      actor: row.actor,
      has_value: value !== '',
    },
  };
}

/** A GUID named by the agent must be its own (403 guid_mismatch); absent, the token's GUID. */
function ownGuid(device: AuthenticatedDevice, named: string | undefined): string {
  if (named === undefined || !named.trim()) return device.guid;
  if (normalizeGuid(named) !== device.guid) throw new AgentError('forbidden', 'guid_mismatch');
  return device.guid;
}

export async function readAgentHash(services: AgentServices, device: AuthenticatedDevice, query: { agentGuid?: string | undefined; agentId?: string | undefined }) {
  const guid = ownGuid(device, query.agentGuid);
  const { rows } = await services.pool.query<{ guid: string; hostname: string | null; agent_hash: string | null; agent_id: string | null }>(
    `SELECT guid, hostname, agent_hash, agent_id FROM engine.devices WHERE guid = ANY(${GUID_SPELLINGS_SQL('$1')})`,
    [guid],
  );
  const row = rows[0];
  if (!row?.agent_hash?.trim() || (query.agentId && row.agent_id && row.agent_id !== query.agentId)) throw new AgentError('not_found', 'agent hash not found');
  return { agent_guid: normalizeGuid(row.guid), agent_id: row.agent_id, hostname: row.hostname, agent_hash: row.agent_hash, source: 'database' };
}

export async function storeAgentHash(services: AgentServices, device: AuthenticatedDevice, input: { agentHash: string | undefined; agentId: string | undefined; agentGuid: string | undefined }) {
  const agentHash = input.agentHash?.trim();
  if (!agentHash) throw new AgentError('invalid', 'agent_hash required');
  const guid = ownGuid(device, input.agentGuid);
  const agentId = input.agentId?.trim() || null;
  const { rowCount } = await services.pool.query(`UPDATE engine.devices SET agent_hash = $2, agent_id = coalesce($3, agent_id) WHERE guid = ANY(${GUID_SPELLINGS_SQL('$1')})`, [guid, agentHash, agentId]);
  if (!rowCount) return { status: 'ignored', reason: 'device_not_found', agent_guid: guid, agent_hash: agentHash };
  return { status: 'ok', agent_guid: guid, agent_hash: agentHash, ...(agentId ? { agent_id: agentId } : {}) };
}
