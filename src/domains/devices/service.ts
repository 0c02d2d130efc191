/** Device queries shared by GraphQL and the REST router to come; every read applies the Device rule. */
import { scopedWhere, type AccessContext } from '../../access/rules.js';
import { canonicalGuid } from '../../graphql/values.js';
import { deviceFilterWhere, type DeviceListFilter } from './filters.js';
import { deviceByGuid, deviceByHostname } from './loaders.js';
import type { Loaders } from '../../access/loaders.js';

/** The `where` of a device list: the filter inside the Device rule. */
export function listDevicesWhere(ctx: AccessContext, filter: DeviceListFilter | null | undefined) {
  return scopedWhere('Device', ctx.scope, deviceFilterWhere(filter));
}

/** One device by GUID (compared upper-case), null when missing or out of scope. */
export function findDevice(ctx: AccessContext & { loaders: Loaders }, guid: string) {
  return ctx.loaders.use(deviceByGuid).load(canonicalGuid(guid));
}

/** One device by hostname, null when missing or out of scope. */
export function findDeviceByHostname(ctx: AccessContext & { loaders: Loaders }, hostname: string) {
  return ctx.loaders.use(deviceByHostname).load(hostname);
}
