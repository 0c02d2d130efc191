/**
 * `npm run db:check`: compares the Prisma mirror with DATABASE_URL's catalog (exit 0 = no drift),
 * then advises the indexes the operator screens would use that the database lacks (advice only:
 * it never creates them and does not change the exit code), and whether the change capture of
 * live subscriptions is installed (information only: without it subscriptions poll).
 */
import { captureStatus, formatCaptureStatus } from '../db/change-capture.js';
import { checkDrift, formatDriftReport } from '../db/drift.js';
import { formatIndexAdvice, missingScreenIndexes } from '../db/index-advice.js';
import { withCliPool } from './cli-pool.js';

await withCliPool(async (pool) => {
  const report = await checkDrift(pool);
  console.log(formatDriftReport(report));
  const advice = formatIndexAdvice(await missingScreenIndexes(pool));
  if (advice) console.log(`\n${advice}`);
  console.log(`\n${formatCaptureStatus(await captureStatus(pool))}`);
  process.exitCode = report.ok ? 0 : 1;
});
