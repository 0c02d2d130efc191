/** `npm run db:setup`: applies the Borealis baseline DDL and the gateway's own schema to DATABASE_URL (idempotent). */
import { applyBaseline } from '../db/baseline.js';
import { GATEWAY_SCHEMA, installGatewaySchema } from '../db/gateway-schema.js';
import { withCliPool } from './cli-pool.js';

await withCliPool(async (pool) => {
  const { createdTables } = await applyBaseline(pool);
  console.log(
    createdTables.length
      ? `Baseline applied: created ${createdTables.length} tables (${createdTables.join(', ')}).`
      : 'Baseline applied: every Borealis table already exists; nothing changed.',
  );
  const { applied, alreadyPresent } = await installGatewaySchema(pool);
  console.log(
    `Gateway schema ${GATEWAY_SCHEMA}: ` +
      (applied.length ? `installed ${applied.join(', ')}` : 'nothing to install') +
      (alreadyPresent.length ? ` (${alreadyPresent.length} parts already present).` : '.'),
  );
});
