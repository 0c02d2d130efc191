/**
 * Devices by hostname and by GUID, with the Device rule (src/access/rules.ts): the forward side of every soft
 * hostname relation and of the GUID links Borealis compares upper-case.
 */
import type DataLoader from 'dataloader';
import type { Prisma } from '../../generated/prisma/client.js';
import { oneLoader } from '../../access/batch.js';
import { relationWhere } from '../../access/rules.js';
import type { LoaderFactory } from '../../access/loaders.js';
import { canonicalGuid, guidSpellings } from '../../graphql/values.js';

export type DeviceRow = Prisma.DeviceGetPayload<{ include: { deviceSite: { select: { siteId: true } } } }>;

export const deviceByHostname: LoaderFactory<DataLoader<string, DeviceRow | null>> = (prisma, scope) =>
  oneLoader(
    (hostnames) =>
      prisma.device.findMany({
        where: { AND: [{ hostname: { in: [...hostnames] } }, relationWhere('Device', scope)] },
        include: { deviceSite: { select: { siteId: true } } },
      }),
    (device) => device.hostname,
  );

/** Devices by GUID, compared upper-case like Borealis, within the operator's device scope. */
export const deviceByGuid: LoaderFactory<DataLoader<string, DeviceRow | null>> = (prisma, scope) =>
  oneLoader(
    (guids) =>
      prisma.device.findMany({
        where: { AND: [{ guid: { in: guidSpellings(guids) } }, relationWhere('Device', scope)] },
        include: { deviceSite: { select: { siteId: true } } },
      }),
    (device) => device.guid,
    (guid) => canonicalGuid(String(guid)),
  );
