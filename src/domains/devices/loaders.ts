/**
 * Devices by hostname and by GUID, with the Device rule (src/access/rules.ts): the forward side of every soft
 * hostname relation and of the GUID links Borealis compares upper-case. Read in the request's
 * combined statement (access/batch.ts readRows), with the device's site id like the device lists.
 */
import type DataLoader from 'dataloader';
import { Prisma } from '../../generated/prisma/client.js';
import { oneLoader, readRows } from '../../access/batch.js';
import type { LoaderFactory } from '../../access/loaders.js';
import type { Scope } from '../../access/scope.js';
import type { Db } from '../../db/prisma.js';
import { canonicalGuid, guidSpellings } from '../../graphql/values.js';

export type DeviceRow = Prisma.DeviceGetPayload<{ include: { deviceSite: { select: { siteId: true } } } }>;

/** Devices matching `where`, each with `deviceSite: { siteId }` (null when unassigned), as the Device type includes it. */
const devicesWhere = (prisma: Db, scope: Scope, where: (row: Prisma.Sql) => Prisma.Sql) =>
  readRows(prisma, scope, 'Device', {
    where,
    extra: (row) => Prisma.sql`(SELECT json_build_object('siteId', ds.site_id) FROM engine.device_sites ds
                                 WHERE ds.device_hostname = ${row}.hostname) AS "deviceSite"`,
  }) as Promise<DeviceRow[]>;

export const deviceByHostname: LoaderFactory<DataLoader<string, DeviceRow | null>> = (prisma, scope) =>
  oneLoader(
    (hostnames) => devicesWhere(prisma, scope, (row) => Prisma.sql`${row}.hostname = ANY(${[...new Set(hostnames)]}::text[])`),
    (device) => device.hostname,
  );

/** Devices by GUID in its stored spellings (index-friendly), within the operator's device scope. */
export const deviceByGuid: LoaderFactory<DataLoader<string, DeviceRow | null>> = (prisma, scope) =>
  oneLoader(
    (guids) => devicesWhere(prisma, scope, (row) => Prisma.sql`${row}.guid = ANY(${guidSpellings(guids)}::text[])`),
    (device) => device.guid,
    (guid) => canonicalGuid(String(guid)),
  );
