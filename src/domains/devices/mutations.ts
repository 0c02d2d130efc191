/** Device metadata value mutation: the GraphQL layer over ./commands.ts (docs/mutations.md). */
import { builder } from '../../graphql/builder.js';
import { inputLimits } from '../../graphql/input-limits.js';
import { NotFoundError, ValidationFailedError } from '../errors.js';
import { commandContext, errorTypes } from '../graphql-mutations.js';
import { METADATA_VALUE_MAX_CHARACTERS, setDeviceMetadataValue } from './commands.js';
import { DeviceNode } from './graphql.js';
import { findDevice } from './service.js';

builder.mutationField('setDeviceMetadataValue', (t) =>
  t.field({
    type: builder.objectRef<{ deviceGuid: string; fieldNumber: number }>('DeviceMetadataValuePayload').implement({
      description: 'The device whose metadata field a mutation set (its `metadataFields` show the value).',
      fields: (p) => ({
        fieldNumber: p.exposeInt('fieldNumber'),
        device: p.field({ type: DeviceNode, nullable: true, resolve: (r, _a, ctx) => findDevice(ctx, r.deviceGuid) }),
      }),
    }),
    description:
      'Sets an Agent Metadata Field of a device in the operator\'s sites (at most 1024 characters; empty clears it). ' +
      'Stored base64 with modified_at now, source engine and the operator as actor, so the agent takes it on its next heartbeat.',
    args: {
      input: t.arg({
        type: builder.inputType('SetDeviceMetadataValueInput', {
          fields: (f) => ({
            hostname: f.string({ required: true, description: 'The device hostname (compared case-insensitively).' }),
            fieldNumber: f.int({ required: true, description: '1 to 500.' }),
            // The command counts characters (1024); UTF-16 needs two units for some of them.
            value: f.string({ required: true, description: 'The value (empty: clear).', extensions: inputLimits({ maxLength: 2 * METADATA_VALUE_MAX_CHARACTERS }) }),
          }),
        }),
        required: true,
      }),
    },
    errors: errorTypes(NotFoundError, ValidationFailedError),
    resolve: (_root, { input }, ctx) => setDeviceMetadataValue(commandContext(ctx), input),
  }),
);
