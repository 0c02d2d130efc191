/**
 * The rule table itself: `allows` judges one row exactly as the lists judge it, and a model
 * without a rule is refused loudly instead of being readable by everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows, ruleOf, scopedWhere } from '../../src/access/rules.js';
import { createScope } from '../../src/access/scope.js';
import { createPrismaClient, type Db } from '../../src/db/prisma.js';
import { createSeededGateway, type SeededGateway } from '../support/seeded.js';
import { readOwnership, visibleJobIds } from '../support/access-oracle.js';

let g: SeededGateway;
let prisma: Db;
beforeAll(async () => {
  g = await createSeededGateway({ devices: 40 });
  prisma = createPrismaClient(g.db.pool);
});
afterAll(async () => {
  await prisma.$disconnect();
  await g.close();
});

describe('access rules', () => {
  it('allows() agrees with the list rule for devices and jobs, for a User and an Admin', async () => {
    const alice = createScope(prisma, g.identities.alice);
    const admin = createScope(prisma, g.identities.admin);
    const sites = g.identities.alice.siteIds as number[];
    const devices = (await g.db.pool.query('SELECT d.guid, ds.site_id FROM engine.devices d LEFT JOIN engine.device_sites ds ON ds.device_hostname = d.hostname')).rows;
    for (const device of devices.slice(0, 15)) {
      expect(await allows(prisma, alice, 'Device', { guid: device.guid })).toBe(sites.includes(Number(device.site_id)));
      expect(await allows(prisma, admin, 'Device', { guid: device.guid })).toBe(true);
    }
    const visible = visibleJobIds(sites, await readOwnership(g.db.pool));
    for (const { id } of (await g.db.pool.query('SELECT id FROM engine.scheduled_jobs')).rows) {
      expect(await allows(prisma, alice, 'ScheduledJob', { id: BigInt(id) })).toBe(visible.includes(Number(id)));
    }
    const listed = await prisma.scheduledJob.count({ where: await scopedWhere('ScheduledJob', alice) });
    expect(listed).toBe(visible.length);
  });

  it('an anonymous scope reads nothing, and an unknown model has no implicit rule', async () => {
    const nobody = createScope(prisma, null);
    expect(await prisma.device.count({ where: await scopedWhere('Device', nobody) })).toBe(0);
    expect(await prisma.scheduledJobRun.count({ where: await scopedWhere('ScheduledJobRun', nobody) })).toBe(0);
    expect(() => ruleOf('GithubToken')).toThrow(/No access rule for model GithubToken/);
  });
});
