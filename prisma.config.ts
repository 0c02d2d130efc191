import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The gateway never runs `prisma migrate`: Borealis owns its schema. The baseline DDL is applied by
// `npm run db:setup` (src/db/baseline.ts). This file only tells the Prisma CLI where the schema is.
export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
});
