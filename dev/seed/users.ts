/** Operators, the directory provider, site assignments and the passkey. */
import type pg from 'pg';
import { DAY, HOUR, MINUTE, NOW } from './clock.js';
import { BASE32, rngFor } from './random.js';
import { type SiteRef } from './sites.js';
import { aegisEnvelope, pyJson, sha256, sha512 } from './values.js';
import { type Row, T, Writer, idsByName, inTransaction } from './writer.js';

/**
 * Demo operators. Passwords of local users whose password_sha512 is plain SHA-512 hex can be used to
 * log in; `erin` is stored as an Aegis envelope and `dave` is a (disabled) directory user.
 */
export const DEMO_USERS = [
  { username: 'admin', role: 'Admin', password: 'Admin#Demo2026', sites: [] as string[], note: 'plain sha512, mfa_disabled=1, has a passkey' },
  { username: 'alice', role: 'User', password: 'Alice#Demo2026', sites: ['Acme HQ'], note: 'plain sha512, mfa_disabled=1' },
  { username: 'bob', role: 'User', password: 'Bob#Demo2026', sites: ['Acme Branch Office', 'Globex Plant'], note: 'plain sha512, MFA enabled (mfa_secret set)' },
  { username: 'carol', role: 'User', password: 'Carol#Demo2026', sites: [], note: 'plain sha512, no site assignment, MFA required but not set up' },
  { username: 'dave', role: 'User', password: null, sites: ['Initech Remote'], note: "auth_source='directory', directory_disabled=1" },
  { username: 'erin', role: 'User', password: 'Erin#Demo2026', sites: ['Umbrella Lab'], note: 'aegis:v1 envelope password, auth_reset_required=1' },
] as const;

export interface UserRefs {
  ids: Map<string, number>;
}

export async function seedAccess(pool: pg.Pool, w: Writer, sites: SiteRef[]): Promise<UserRefs> {
  const rng = rngFor('access');
  const siteId = (name: string): number => {
    const s = sites.find((x) => x.def.name === name);
    if (!s) throw new Error(`seed: unknown site ${name}`);
    return s.id;
  };
  return inTransaction(pool, async (client) => {
    const providerName = 'ACME Active Directory';
    const newProviderId = await w.insertOne(client, T.directoryProviders, {
      name: providerName,
      provider_type: 'ldap',
      enabled: 1,
      priority: 100,
      domain_suffix: 'acme.local',
      server_urls_json: pyJson(['ldaps://dc01.acme.local:636', 'ldaps://dc02.acme.local:636']),
      host_overrides_json: pyJson({ 'dc01.acme.local': '10.10.0.10', 'dc02.acme.local': '10.10.0.11' }),
      use_ldaps: 1,
      tls_required: 1,
      tls_ca_pem: null,
      base_dn: 'DC=acme,DC=local',
      bind_dn: 'CN=svc-borealis,OU=Service Accounts,DC=acme,DC=local',
      bind_password_encrypted: aegisEnvelope(rng, 24),
      user_search_filter: '(&(objectClass=user)(sAMAccountName={username}))',
      username_attribute: 'sAMAccountName',
      display_name_attribute: 'displayName',
      email_attribute: 'mail',
      member_of_attribute: 'memberOf',
      group_search_base_dn: 'OU=Groups,DC=acme,DC=local',
      nested_groups: 1,
      kerberos_realm: null,
      kerberos_kdc: null,
      kerberos_keytab_encrypted: null,
      sync_interval_seconds: 60,
      last_sync_at: NOW - 47,
      last_sync_status: 'success',
      last_sync_message: 'Synchronised 1 cached directory user',
      last_test_at: NOW - 41 * DAY,
      last_test_status: 'success',
      last_test_message: 'Bind succeeded against ldaps://dc01.acme.local:636',
      created_at: NOW - 41 * DAY - 600,
      updated_at: NOW - 41 * DAY,
    });
    const providerId = newProviderId ?? (await idsByName(client, 'engine.directory_providers', 'name', [providerName])).get(providerName) ?? null;
    const adminsGroup = 'CN=Borealis Admins,OU=Groups,DC=acme,DC=local';
    const usersGroup = 'CN=Borealis Users,OU=Groups,DC=acme,DC=local';
    const remoteGroup = 'CN=Initech Support,OU=Groups,DC=acme,DC=local';
    if (providerId !== null) {
      await w.insert(client, T.directoryGroupMappings, [
        { provider_id: providerId, group_dn: adminsGroup, role: 'Admin', created_at: NOW - 41 * DAY, updated_at: NOW - 41 * DAY },
        { provider_id: providerId, group_dn: usersGroup, role: 'User', created_at: NOW - 41 * DAY, updated_at: NOW - 41 * DAY },
        { provider_id: providerId, group_dn: remoteGroup, role: 'User', created_at: NOW - 20 * DAY, updated_at: NOW - 20 * DAY },
      ]);
    }
    if (newProviderId !== null) {
      // BIGSERIAL-only children: only with a newly inserted provider.
      await w.insert(client, T.directorySiteMappings, [
        { provider_id: newProviderId, label: 'Acme staff', group_dns_json: pyJson([usersGroup]), site_ids_json: pyJson([siteId('Acme HQ'), siteId('Acme Branch Office')]), position: 0, created_at: NOW - 41 * DAY, updated_at: NOW - 41 * DAY },
        { provider_id: newProviderId, label: 'Initech support desk', group_dns_json: pyJson([remoteGroup]), site_ids_json: pyJson([siteId('Initech Remote')]), position: 1, created_at: NOW - 20 * DAY, updated_at: NOW - 20 * DAY },
      ]);
    }

    const created = (days: number): number => NOW - days * DAY + rng.int(0, 6 * HOUR);
    const base = {
      last_login: null, mfa_enabled: 0, mfa_disabled: 1, mfa_secret: null, auth_reset_required: 0, auth_reset_at: null,
      auth_source: 'local', directory_provider_id: null, directory_subject: null, directory_domain: null,
      directory_dn: null, directory_groups_json: null, directory_last_sync_at: null, directory_disabled: 0,
      directory_disabled_at: null,
    };
    const userRows: Row[] = [
      { ...base, username: 'admin', display_name: 'Borealis Administrator', password_sha512: sha512('Admin#Demo2026'), role: 'Admin', last_login: NOW - 35 * MINUTE, created_at: created(380), updated_at: NOW - 2 * DAY },
      { ...base, username: 'alice', display_name: 'Alice Anders', password_sha512: sha512('Alice#Demo2026'), role: 'User', last_login: NOW - 3 * HOUR, created_at: created(300), updated_at: NOW - 9 * DAY },
      { ...base, username: 'bob', display_name: 'Bob Baker', password_sha512: sha512('Bob#Demo2026'), role: 'User', last_login: NOW - 26 * HOUR, created_at: created(260), updated_at: NOW - 30 * DAY, mfa_enabled: 1, mfa_disabled: 0, mfa_secret: rng.chars(32, BASE32) },
      { ...base, username: 'carol', display_name: 'Carol Chen', password_sha512: sha512('Carol#Demo2026'), role: 'User', created_at: created(12), updated_at: created(12), mfa_disabled: 0 },
      {
        ...base,
        username: 'dave',
        display_name: 'Dave Miller',
        // Directory users never use the local hash; Borealis keeps an unusable envelope.
        password_sha512: aegisEnvelope(rng, 128),
        role: 'User',
        last_login: NOW - 16 * DAY,
        created_at: created(40),
        updated_at: NOW - 2 * DAY,
        auth_source: 'directory',
        directory_provider_id: providerId,
        directory_subject: rng.uuid(),
        directory_domain: 'ACME.LOCAL',
        directory_dn: 'CN=Dave Miller,OU=Staff,DC=acme,DC=local',
        directory_groups_json: pyJson([remoteGroup]),
        directory_last_sync_at: NOW - 47,
        directory_disabled: 1,
        directory_disabled_at: NOW - 2 * DAY,
      },
      { ...base, username: 'erin', display_name: 'Erin Evans', password_sha512: aegisEnvelope(rng, 128), role: 'User', last_login: NOW - 31 * DAY, created_at: created(150), updated_at: NOW - 6 * DAY, auth_reset_required: 1, auth_reset_at: NOW - 6 * DAY },
    ];
    await w.insert(client, T.users, userRows);
    const ids = await idsByName(client, 'engine.users', 'username', DEMO_USERS.map((u) => u.username));
    const uid = (name: string): number => {
      const id = ids.get(name);
      if (id === undefined) throw new Error(`seed: user ${name} missing after insert`);
      return id;
    };
    await w.insert(client, T.userSiteAssignments, [
      { user_id: uid('alice'), site_id: siteId('Acme HQ'), assigned_at: NOW - 290 * DAY },
      { user_id: uid('bob'), site_id: siteId('Acme Branch Office'), assigned_at: NOW - 250 * DAY },
      { user_id: uid('bob'), site_id: siteId('Globex Plant'), assigned_at: NOW - 200 * DAY },
      { user_id: uid('dave'), site_id: siteId('Initech Remote'), assigned_at: NOW - 16 * DAY },
      { user_id: uid('erin'), site_id: siteId('Umbrella Lab'), assigned_at: NOW - 90 * DAY },
    ]);
    const credentialId = rng.bytes(32).toString('base64url');
    await w.insert(client, T.userPasskeys, [
      {
        user_id: uid('admin'),
        // Legacy plaintext columns are blanked once migrated into secret_encrypted.
        credential_id: '',
        public_key: '',
        sign_count: 0,
        label: 'YubiKey 5C NFC',
        transports_json: pyJson(['nfc', 'usb']),
        aaguid: null,
        created_at: NOW - 200 * DAY,
        last_used_at: NOW - 35 * MINUTE,
        credential_lookup_hmac: sha256(`demo-app-secret|${credentialId.toLowerCase()}`),
        secret_encrypted: aegisEnvelope(rng, 180),
      },
    ]);
    return { ids };
  });
}
