/** `npm run schema:print`: writes the printed GraphQL schema to schema.graphql at the root. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printGatewaySchema } from '../server/schema.js';

const target = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
writeFileSync(target, printGatewaySchema());
console.log(`wrote ${target}`);
