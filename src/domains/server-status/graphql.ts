/**
 * Borealis server status as the database proves it (admin only): whether Aegis Cipher is set up
 * and whether a GitHub token is stored or must be re-entered. One statement that selects no secret
 * column: the token is only tested for NULL in SQL, the Aegis KDF parameters and verification
 * token are never read.
 *
 * Aegis lock state is not in the database: the derived key lives only in the Engine's memory
 * (borealis-db-reference: aegis_cipher_state), so this gateway cannot tell whether a configured
 * Aegis is locked, and does not pretend to. Borealis answers that at /api/aegis/status.
 */
import { Prisma } from '../../generated/prisma/client.js';
import { builder } from '../../graphql/builder.js';
import { epochToDate } from '../../graphql/values.js';

interface ServerStatusRow {
  aegis_configured: boolean;
  aegis_created_at: number | null;
  aegis_updated_at: number | null;
  github_token_configured: boolean | null;
  github_reset_required: number | null;
  github_reset_at: number | null;
}

const SERVER_STATUS_SQL = Prisma.sql`
  SELECT a.id IS NOT NULL AS aegis_configured,
         a.created_at AS aegis_created_at,
         a.updated_at AS aegis_updated_at,
         g.token_configured AS github_token_configured,
         g.reset_required AS github_reset_required,
         g.reset_at AS github_reset_at
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT id, created_at, updated_at FROM engine.aegis_cipher_state ORDER BY id LIMIT 1
    ) AS a ON true
    LEFT JOIN LATERAL (
      -- Borealis reads this single-row table with LIMIT 1.
      SELECT (token IS NOT NULL AND btrim(token) <> '') AS token_configured, reset_required, reset_at
        FROM engine.github_token LIMIT 1
    ) AS g ON true`;

const ServerStatus = builder.objectRef<ServerStatusRow>('ServerStatus').implement({
  description:
    'Borealis secret-store status as the database proves it. Whether a configured Aegis Cipher is locked is not stored ' +
    '(the key lives only in Engine memory), so it is not reported here.',
  fields: (t) => ({
    aegisConfigured: t.boolean({
      description: 'An Aegis Cipher state row exists (setup done, no force reset since).',
      resolve: (s) => s.aegis_configured,
    }),
    aegisConfiguredAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => epochToDate(s.aegis_created_at) }),
    aegisUpdatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Last change of the Aegis state (e.g. a key rotation).',
      resolve: (s) => epochToDate(s.aegis_updated_at),
    }),
    githubTokenConfigured: t.boolean({
      description: 'A GitHub token is stored (the value is never returned).',
      resolve: (s) => s.github_token_configured === true,
    }),
    githubTokenResetRequired: t.boolean({
      description: 'An Aegis force reset destroyed the GitHub token: it must be re-entered.',
      resolve: (s) => (s.github_reset_required ?? 0) !== 0,
    }),
    githubTokenResetAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => epochToDate(s.github_reset_at) }),
  }),
});

builder.queryField('serverStatus', (t) =>
  t.field({
    type: ServerStatus,
    description: 'Aegis Cipher and GitHub token status. Admin only.',
    authScopes: { admin: true },
    resolve: async (_root, _args, ctx) => {
      const [row] = await ctx.prisma.$queryRaw<ServerStatusRow[]>(SERVER_STATUS_SQL);
      return row!;
    },
  }),
);
