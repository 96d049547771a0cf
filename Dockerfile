# syntax=docker/dockerfile:1
# The PDTA assistant as an image: `pdta serve` on port 3978, non-root, production dependencies only.
# docker build -t pdta-assistant .   ·   docker run -p 3978:3978 --env-file .env pdta-assistant
# Several instances share one PostgreSQL (DATABASE_URL): compose.yaml runs two of them.

# Build: the TypeScript compiled to dist/, the playground's browser script bundled to
# dist/playground/client.js (scripts/bundleClient.ts) and the content compiled to dist/knowledge.json.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are not needed to install (the build runs below, once the sources are here).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY machines ./machines
COPY src ./src
COPY content ./content
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Run: what `pdta serve` reads, and nothing else.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    HEALTH_PORT=8081 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY content ./content
COPY teams ./teams
COPY slack ./slack
# The embedded PostgreSQL (PGlite) keeps its files here when DATABASE_URL is not set.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 3978: the channels; 8081: /healthz and /readyz on a port of their own, answered however busy
# the server is (HEALTH_PORT; docs/serve.md, "Probes").
EXPOSE 3978 8081
# Liveness as docs/serve.md describes it: /healthz answers while the process is up (also while it starts).
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||process.env.PORT||3978)+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "bin/pdta.js", "serve"]
