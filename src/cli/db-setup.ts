/** `npm run db:setup`: applies the Borealis baseline DDL to DATABASE_URL (idempotent). */
import { applyBaseline } from '../db/baseline.js';
import { withCliPool } from './cli-pool.js';

await withCliPool(async (pool) => {
  const { createdTables } = await applyBaseline(pool);
  console.log(
    createdTables.length
      ? `Baseline applied: created ${createdTables.length} tables (${createdTables.join(', ')}).`
      : 'Baseline applied: every Borealis table already exists; nothing changed.',
  );
});
