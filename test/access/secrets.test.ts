/**
 * Secrets never leave the database. Every secret column of the demo database is overwritten with
 * a marker; then the test walks the built schema, selects every field reachable from every query
 * (as an Admin, who sees the most), and fails if any response carries a marker in any encoding.
 */
import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFacts } from '../../mirror/facts.js';
import { gatewaySchema } from '../../src/server/schema.js';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';

const MARKER = 'ZZSECRET';
const ENCODINGS = [
  MARKER,
  Buffer.from(MARKER).toString('base64').slice(0, 10), // bytea rendered as base64
  Buffer.from(MARKER).toString('hex'), // bytea rendered as hex
];

/** Secret columns by name, across every table of the facts file. */
const SECRET_COLUMN = /(_encrypted$|password|secret|token|nonce|_hmac$|private_key|pubkey|^public_key$|^credential_id$|kdf_params|verification)/;
/** Columns that match the pattern but hold no secret (ids, counters, flags, descriptive fields). */
const NOT_SECRET = new Set([
  'devices.token_version',
  'device_purge_barriers.required_token_version',
  'github_token.reset_required',
  'github_token.reset_at',
  'refresh_tokens.id',
  'refresh_tokens.guid',
  'refresh_tokens.dpop_jkt',
  'refresh_tokens.created_at',
  'refresh_tokens.expires_at',
  'refresh_tokens.revoked_at',
  'refresh_tokens.last_used_at',
]);

const facts = loadFacts('prisma/borealis-schema.json');
const secretColumns = facts.tables.flatMap((table) =>
  table.columns
    .filter((c) => SECRET_COLUMN.test(c.name) && !NOT_SECRET.has(`${table.name}.${c.name}`) && !['integer', 'bigint'].includes(c.pg_type))
    .map((c) => ({ schema: table.schema, table: table.name, column: c.name, type: c.pg_type })),
);

/** Builds a selection of every field reachable from `type`, without revisiting a type on a path. */
function selectAll(type: GraphQLObjectType, depth: number, path: Set<string>): string {
  const parts: string[] = ['__typename'];
  for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      parts.push(field.name);
    } else if (depth > 0 && (isObjectType(named) || isInterfaceType(named)) && !path.has(named.name)) {
      const implementations = isInterfaceType(named) ? gatewaySchema().getPossibleTypes(named) : [named];
      const inner = implementations
        .filter((impl) => !path.has(impl.name))
        .map((impl) => `... on ${impl.name} { ${selectAll(impl, depth - 1, new Set([...path, impl.name]))} }`)
        .join(' ');
      if (inner) parts.push(`${field.name} { __typename ${inner} }`);
    }
  }
  return parts.join(' ');
}

describe('secret columns', () => {
  let g: SeededGateway;
  beforeAll(async () => {
    // The walk selects every field at once: far past the limits a client query is held to.
    g = await createSeededGateway({
      devices: 30,
      env: { GATEWAY_MAX_DEPTH: '100', GATEWAY_MAX_TOKENS: '1000000', GATEWAY_MAX_COST: '10000000', GATEWAY_MAX_ALIASES: '1000' },
    });
    // Rows for secret-bearing tables the demo seed leaves empty.
    await g.db.pool.query(`
      INSERT INTO engine.agent_service_account (agent_id, username, password_hash, password_encrypted, last_rotated_utc, version)
        VALUES ('agent-1', 'svc', 'x', 'x', '2026-11-20T12:00:00Z', 1) ON CONFLICT DO NOTHING;
      INSERT INTO engine.workflow_webhooks (workflow_guid, opaque_token, created_at, creator_username, creator_role)
        VALUES ('wf-1', 'x', 1795176000, 'admin', 'Admin') ON CONFLICT DO NOTHING;
      INSERT INTO engine.device_vpn_key_leases (agent_id, client_private_key, client_public_key, updated_at)
        VALUES ('agent-1', 'x', 'x', '2026-11-20T12:00:00Z') ON CONFLICT DO NOTHING;`);
    for (const { schema, table, column, type } of secretColumns) {
      const marker = `'${MARKER}-${table}-${column}-' || md5(random()::text)`;
      const value = type === 'bytea' ? `convert_to(${marker}, 'UTF8')` : marker;
      await g.db.pool.query(`UPDATE ${schema}.${table} SET ${column} = ${value}`);
    }
  }, 120_000);
  afterAll(() => g.close());

  it('are recognised in every table (the list the test protects)', () => {
    const names = secretColumns.map((c) => `${c.table}.${c.column}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'users.password_sha512',
        'users.mfa_secret',
        'user_passkeys.public_key',
        'user_passkeys.credential_lookup_hmac',
        'user_passkeys.secret_encrypted',
        'credentials.password_encrypted',
        'credentials.private_key_encrypted',
        'directory_providers.bind_password_encrypted',
        'refresh_tokens.token_hash',
        'devices.agent_vnc_password',
        'agent_service_account.password_hash',
        'agent_service_account.password_encrypted',
        'github_token.token',
        'aegis_cipher_state.kdf_params_json',
        'aegis_cipher_state.verification_token',
        'device_approvals.client_nonce',
        'device_approvals.server_nonce',
        'device_approvals.agent_pubkey_der',
        'workflow_webhooks.opaque_token',
      ]),
    );
  });

  it('never appear in any field reachable from any query', async () => {
    const query = gatewaySchema().getQueryType()!;
    const checked: string[] = [];
    for (const field of Object.values(query.getFields())) {
      if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
      const named = getNamedType(field.type);
      const selection = isLeafType(named) ? '' : `{ ${selectAll(named as GraphQLObjectType, 5, new Set([named.name]))} }`;
      const result = await g.as('admin', `{ ${field.name} ${selection} }`);
      const text = JSON.stringify(result);
      for (const encoding of ENCODINGS) expect(text, `${field.name} leaks ${encoding}`).not.toContain(encoding);
      expect(result.errors?.filter((e) => e.extensions?.code !== 'STORED_VALUE_MALFORMED') ?? [], field.name).toEqual([]);
      checked.push(field.name);
    }
    expect(checked).toEqual(expect.arrayContaining(['devices', 'sites', 'incidents', 'scheduledJobs']));
  });

  it('have no field named after them anywhere in the schema', () => {
    const forbidden = /^(passwordSha512|mfaSecret|.*Encrypted|tokenHash|agentVncPassword|credentialLookupHmac|publicKey|clientNonce|serverNonce|agentPubkeyDer|opaqueToken|verificationToken|kdfParams(Json)?|clientPrivateKey)$/;
    const offenders: string[] = [];
    for (const type of Object.values(gatewaySchema().getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const name of Object.keys(type.getFields())) if (forbidden.test(name)) offenders.push(`${type.name}.${name}`);
    }
    expect(offenders).toEqual([]);
  });
});
