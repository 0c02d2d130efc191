/** Job, run and activity list filters: GraphQL input -> Prisma where, plain TypeScript (no scope). */
import type { Prisma } from '../../generated/prisma/client.js';
import { bigIdWhere, epochRangeWhere, flagWhere, intIdWhere, siteIdsWhere, statusWhere, stringWhere } from '../../graphql/inputs.js';

type StringFilterValue = Parameters<typeof stringWhere>[0];
type IdFilterValue = Parameters<typeof bigIdWhere>[0];
type TimeRangeValue = Parameters<typeof epochRangeWhere>[0];

export interface JobListFilter {
  id?: IdFilterValue;
  name?: StringFilterValue;
  jobKind?: StringFilterValue;
  enabled?: boolean | null;
}

export function jobFilterWhere(filter: JobListFilter | null | undefined): Prisma.ScheduledJobWhereInput {
  return { id: bigIdWhere(filter?.id), name: stringWhere(filter?.name), jobKind: stringWhere(filter?.jobKind), enabled: flagWhere(filter?.enabled) };
}

export interface RunListFilter {
  jobId?: IdFilterValue;
  status?: readonly string[] | null;
  targetHostname?: StringFilterValue;
  scheduledAt?: TimeRangeValue;
  finishedAt?: TimeRangeValue;
}

export function runFilterWhere(filter: RunListFilter | null | undefined): Prisma.ScheduledJobRunWhereInput {
  return {
    jobId: intIdWhere(filter?.jobId, 'jobId'),
    status: statusWhere(filter?.status),
    targetHostname: stringWhere(filter?.targetHostname),
    scheduledTs: epochRangeWhere(filter?.scheduledAt),
    finishedTs: epochRangeWhere(filter?.finishedAt),
  };
}

export interface ActivityListFilter {
  hostname?: StringFilterValue;
  status?: readonly string[] | null;
  siteIds?: readonly string[] | null;
  activityKind?: StringFilterValue;
  ranAt?: TimeRangeValue;
}

export function activityFilterWhere(filter: ActivityListFilter | null | undefined): Prisma.ActivityHistoryWhereInput {
  const conditions: Prisma.ActivityHistoryWhereInput[] = [
    { hostname: stringWhere(filter?.hostname), status: statusWhere(filter?.status), activityKind: stringWhere(filter?.activityKind), ranAt: epochRangeWhere(filter?.ranAt) },
  ];
  if (filter?.siteIds) conditions.push({ device: { is: { deviceSite: { is: { siteId: siteIdsWhere(filter.siteIds) } } } } });
  return { AND: conditions };
}
