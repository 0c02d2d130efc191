/**
 * `npm run simulate`: against the running embedded demo database (or DATABASE_URL), moves runs
 * through their statuses and opens, acknowledges, suppresses and resolves watchdog incidents with
 * plain SQL, the way Borealis's scheduler and watchdog runtime write them, so subscriptions in
 * GraphiQL show events. Ctrl-C stops it; `--once` plays one round and exits.
 */
import { withCliPool } from '../../src/cli/cli-pool.js';
import { acknowledgeIncident, createRun, moveRun, openIncident, resolveIncident, simulationTargets, suppressIncident } from './borealis-writes.js';

const once = process.argv.includes('--once');
const STEP_MS = once ? 50 : 1500;
let stopping = false;
process.on('SIGINT', () => (stopping = true));
process.on('SIGTERM', () => (stopping = true));
const pause = () => new Promise((resolve) => setTimeout(resolve, STEP_MS));

await withCliPool(async (pool, { database }) => {
  const targets = await simulationTargets(pool);
  console.log(`Simulating Borealis writes on ${database.source === 'embedded' ? 'the embedded demo database' : 'DATABASE_URL'}${once ? ' (one round)' : ' (Ctrl-C to stop)'}.`);
  for (let round = 0; !stopping; round++) {
    const device = targets.devices[round % targets.devices.length]!;
    const run = await createRun(pool, targets.jobId, device);
    console.log(`run ${run} on ${device.hostname} (${device.siteName}): Pending`);
    await pause();
    await moveRun(pool, run, 'Running');
    console.log(`run ${run}: Running`);
    const incident = await openIncident(pool, targets.watchdogId, device, round % 3 === 0 ? 'error' : 'warning');
    console.log(`incident ${incident} on ${device.hostname}: open`);
    await pause();
    await acknowledgeIncident(pool, incident, 'alice');
    console.log(`incident ${incident}: acknowledged by alice`);
    await moveRun(pool, run, round % 4 === 3 ? 'Failed' : 'Success');
    console.log(`run ${run}: finished`);
    await pause();
    if (round % 2) {
      await suppressIncident(pool, incident);
      console.log(`incident ${incident}: suppressed`);
    }
    await resolveIncident(pool, incident);
    console.log(`incident ${incident}: resolved`);
    if (once) break;
    await pause();
  }
});
