/** The `devices` list filter: GraphQL input -> Prisma where, plain TypeScript (no scope, no SQL). */
import type { Prisma } from '../../generated/prisma/client.js';
import { epochRangeWhere, siteIdsWhere, stringWhere } from '../../graphql/inputs.js';

/** A device is online when it checked in within this many seconds (Borealis UI rule). */
export const ONLINE_WINDOW_SECONDS = 300;

export interface DeviceListFilter {
  hostname?: Parameters<typeof stringWhere>[0];
  search?: string | null;
  siteIds?: readonly string[] | null;
  unassigned?: boolean | null;
  status?: Parameters<typeof stringWhere>[0];
  operatingSystem?: Parameters<typeof stringWhere>[0];
  online?: boolean | null;
  lastSeen?: Parameters<typeof epochRangeWhere>[0];
}

export function deviceFilterWhere(filter: DeviceListFilter | null | undefined, nowSeconds = Math.floor(Date.now() / 1000)): Prisma.DeviceWhereInput {
  if (!filter) return {};
  const onlineSince = nowSeconds - ONLINE_WINDOW_SECONDS;
  const conditions: Prisma.DeviceWhereInput[] = [
    {
      hostname: stringWhere(filter.hostname),
      status: stringWhere(filter.status),
      operatingSystem: stringWhere(filter.operatingSystem),
      lastSeen: epochRangeWhere(filter.lastSeen),
    },
  ];
  if (filter.siteIds) conditions.push({ deviceSite: { is: { siteId: siteIdsWhere(filter.siteIds) } } });
  if (filter.unassigned != null) conditions.push(filter.unassigned ? { deviceSite: { is: null } } : { deviceSite: { isNot: null } });
  if (filter.online != null) conditions.push(filter.online ? { lastSeen: { gte: onlineSince } } : { OR: [{ lastSeen: null }, { lastSeen: { lt: onlineSince } }] });
  if (filter.search) {
    const contains = { contains: filter.search, mode: 'insensitive' as const };
    conditions.push({ OR: [{ hostname: contains }, { description: contains }, { lastUser: contains }, { internalIp: contains }, { externalIp: contains }] });
  }
  return { AND: conditions };
}
