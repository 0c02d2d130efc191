/**
 * The writer of `npm run bench:subscriptions`, in its own process as Borealis's watchdog runtime
 * is: a busy gateway must not slow down the writes it is measured against. Usage:
 * subscription-writer.ts <plan.json>, the plan being `{ databaseUrl, watchdogId, devices, rate,
 * warmUpSeconds, seconds }`. Prints a first JSON line when it starts writing (with `measureFrom`,
 * the epoch ms where the warm-up ends), makes `rate` incident changes per second with plain SQL
 * (open, re-trigger, acknowledge, resolve), round-robin over the devices (one per site), for
 * `warmUpSeconds + seconds`, then prints a last line: the changes made per site and how long the
 * measured part took.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { acknowledgeIncident, openIncident, resolveIncident, retriggerIncident, type SimulationTargets } from '../dev/simulate/borealis-writes.js';

interface Plan {
  databaseUrl: string;
  watchdogId: number;
  devices: SimulationTargets['devices'];
  rate: number;
  warmUpSeconds: number;
  seconds: number;
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Plan;
const pool = new pg.Pool({ connectionString: plan.databaseUrl, max: 2 });
const open: Array<{ id: string; siteId: number }> = [];
const changesBySite: Record<number, number> = {};
const startedAt = performance.now();
const warmUpChanges = plan.rate * plan.warmUpSeconds;
process.stdout.write(`${JSON.stringify({ started: true, measureFrom: Date.now() + plan.warmUpSeconds * 1000 })}\n`);
for (let i = 0; i < warmUpChanges + plan.rate * plan.seconds; i++) {
  const wait = startedAt + (i * 1000) / plan.rate - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const step = i % 4;
  let incident: { id: string; siteId: number };
  if (step === 0 || open.length === 0) {
    const device = plan.devices[Math.floor(i / 4) % plan.devices.length]!;
    incident = { id: await openIncident(pool, plan.watchdogId, device), siteId: device.siteId };
    open.push(incident);
  } else if (step === 3) {
    incident = open.shift()!;
    await resolveIncident(pool, incident.id);
  } else {
    incident = open.at(-1)!;
    await (step === 1 ? retriggerIncident(pool, incident.id) : acknowledgeIncident(pool, incident.id));
  }
  changesBySite[incident.siteId] = (changesBySite[incident.siteId] ?? 0) + 1;
}
const elapsedMs = performance.now() - startedAt - plan.warmUpSeconds * 1000;
await pool.end();
process.stdout.write(`${JSON.stringify({ changes: warmUpChanges + plan.rate * plan.seconds, measuredChanges: plan.rate * plan.seconds, elapsedMs, changesBySite })}\n`);
