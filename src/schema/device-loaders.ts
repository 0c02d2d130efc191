/** Devices by hostname, site-scoped: the forward side of every soft hostname relation. */
import type DataLoader from 'dataloader';
import type { Prisma } from '../generated/prisma/client.js';
import { oneLoader } from '../loaders/batch.js';
import type { LoaderFactory } from '../loaders/index.js';

export type DeviceRow = Prisma.DeviceGetPayload<{ include: { deviceSite: { select: { siteId: true } } } }>;

export const deviceByHostname: LoaderFactory<DataLoader<string, DeviceRow | null>> = (prisma, scope) =>
  oneLoader(
    (hostnames) =>
      prisma.device.findMany({
        where: { hostname: { in: [...hostnames] }, ...scope.devices() },
        include: { deviceSite: { select: { siteId: true } } },
      }),
    (device) => device.hostname,
  );
