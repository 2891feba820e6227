# syntax=docker/dockerfile:1
# The voice-rag gateway as a container: build with the full toolchain, pack the package as npm
# would publish it, install its production dependencies only, run as a non-root user.
# Not built on the project's CI (no container engine there): tests/topology/production-tree.topology.ts
# builds the same tree (npm pack, npm ci --omit=dev over it) and serves from it. docs/DEPLOY.md.

ARG NODE_VERSION=22

# 1. Build: every dependency, then `npm pack` (prepack builds the widget and the gateway).
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm pack --pack-destination /tmp/pack \
 && mkdir /app \
 && tar -xzf /tmp/pack/voice-rag-*.tgz -C /app --strip-components=1 \
 && cp package-lock.json /app/

# 2. The production tree: the packed files and their locked production dependencies.
FROM node:${NODE_VERSION}-bookworm-slim AS production-tree
WORKDIR /app
COPY --from=build /app ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: the tree, owned by root and read-only to the `node` user that runs it.
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production PORT=8787
WORKDIR /app
COPY --from=production-tree /app ./
# The local index cache (retrieval.cache_dir) must be writable: point it here in the config.
RUN mkdir -p /var/cache/voice-rag && chown node:node /var/cache/voice-rag
USER node
EXPOSE 8787
# Liveness only; readiness (/readyz) belongs to the orchestrator or the proxy (docs/DEPLOY.md).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains (server.drain_seconds); give `docker stop -t` / terminationGracePeriodSeconds more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/voice-rag.js"]
# The configuration is a mounted file; secrets come from the environment (${NAME} in the file).
CMD ["serve", "--config", "/config/voice-rag.config.yaml"]
