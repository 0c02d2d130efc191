/** `npm run db:check`: compares the Prisma mirror with DATABASE_URL's catalog. Exit 0 = no drift. */
import { checkDrift, formatDriftReport } from '../db/drift.js';
import { withCliPool } from './cli-pool.js';

await withCliPool(async (pool) => {
  const report = await checkDrift(pool);
  console.log(formatDriftReport(report));
  process.exitCode = report.ok ? 0 : 1;
});
