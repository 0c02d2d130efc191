# Borealis GraphQL gateway image. Node.js 24 (the README's runtime).
# Stage 1 compiles the TypeScript to dist/ (with the generated Prisma client); stage 2 holds only the
# production dependencies and the compiled JavaScript: no tsx, no Prisma CLI, no embedded PostgreSQL.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: install hooks would need the sources (client generation) or fetch nothing we use.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY mirror ./mirror
COPY scripts ./scripts
COPY src ./src
COPY dev ./dev
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional too: the Prisma CLI and TypeScript are optional peers of @prisma/client, which npm
# marks devOptional and keeps unless both dev and optional are omitted.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
