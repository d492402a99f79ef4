# syntax=docker/dockerfile:1
# Agora's container image: built in one stage, run from a slim one with production dependencies only, as a
# non-root user. `docker build -t agora .`; deploy/compose.yaml builds it too (docs/deploy.md).
# Every stage starts from the same Node image: better-sqlite3 is a native addon, and the binary compiled in the
# dependency stage must match the runtime's Node ABI and C library (Debian bookworm, glibc).
ARG NODE_IMAGE=node:22-bookworm-slim

# What node-gyp needs when no prebuilt better-sqlite3 binary fits: Python, make and a C++ compiler.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# Production dependencies only (no typescript, esbuild, tsx...): what the runtime stage copies.
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund

# Every dependency, then the build: browser bundles (with their .gz), server and CLI in dist/.
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    AGORA_DATA_DIR=/var/lib/agora
WORKDIR /app
# Owned by root and read-only to the server: a compromised process cannot rewrite the code it runs.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY models ./models
# The only writable place: SQLite's database on a single node (unused on PostgreSQL).
RUN mkdir -p /var/lib/agora && chown node:node /var/lib/agora
VOLUME /var/lib/agora
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# Ready = the database answers (503 otherwise); /healthz would only say the process is up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: the node stops accepting, ends its live streams (readers resume on another node), finishes in-flight
# requests and closes the database; compose's stop_grace_period (30 s) bounds it.
STOPSIGNAL SIGTERM
# node directly, not npm: signals reach the server, and nothing is built at start.
CMD ["node", "dist/server/main.js"]
