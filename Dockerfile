# syntax=docker/dockerfile:1
#
# Prompt Service: the standalone server, `npm start`'s entry, in a small image that runs as a non-root user.
#
#   docker build -t prompt-service .                              # exact vector index (VECTOR_INDEX=auto)
#   docker build -t prompt-service --build-arg WITH_FAISS=true .  # with the FAISS addon
#   docker run -p 8000:8000 -e JWT_SECRET="$(openssl rand -hex 32)" prompt-service
#
# Three stages on node:24-slim (Node 24 LTS; Node 20 reached its end of life in April 2026): `build` compiles the
# server with the dev tools and writes the empty database template that a new DATA_DIR loads instead of running
# initdb, `deps` installs the server's production dependencies only (and builds the optional faiss addon), `runtime`
# gets the output of both and nothing else: no compiler, no TypeScript, no dev dependencies, no sources.
#
# Install scripts: every `npm ci` runs with --ignore-scripts, whatever npm the image ships: only npm 11's later
# releases read the root package.json's "allowScripts" (which denies onnxruntime-node's download and the others),
# and an npm without it would run them all. The only script the repository allows is esbuild's, which merely checks
# the binary that its platform package already contains. faiss-node's addon is built by scripts/build-faiss.sh
# instead of its own script, which downloads.

ARG WITH_FAISS=false

# ---- build: compile the server (tsup needs the dev dependencies) ----
FROM node:24-slim AS build
WORKDIR /app
# Manifests first, so that the dependency layer is rebuilt only when they change. npm ci needs every workspace
# that the root package.json lists.
COPY package.json package-lock.json .npmrc ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/sdk/package.json packages/sdk/
COPY packages/cli/package.json packages/cli/
COPY packages/testkit/package.json packages/testkit/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
# The wire contract the server shares with the SDK (@prompt-service/protocol, a dependency of the server), then the
# server.
COPY packages/protocol/ packages/protocol/
COPY packages/server/ packages/server/
RUN npm run build:js -w @prompt-service/protocol && npm run build:js -w @prompt-service/server

# ---- deps: the server's production dependencies, and nothing of the other workspaces ----
FROM node:24-slim AS deps
ARG WITH_FAISS
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/sdk/package.json packages/sdk/
COPY packages/cli/package.json packages/cli/
COPY packages/testkit/package.json packages/testkit/
COPY scripts/build-faiss.sh scripts/
# Install, then: drop the workspace links but @prompt-service/protocol's (the server imports no other, and they
# would dangle in the runtime image, which gets the protocol's build from the build stage); make sure
# packages/server/node_modules exists for COPY --from, even when npm had nothing to nest in it. Transformers.js and
# its ONNX runtime are an optional peer of the server, not installed here.
RUN npm ci --omit=dev --ignore-scripts --workspace @prompt-service/server --no-audit --no-fund \
  && find node_modules/@prompt-service -mindepth 1 -maxdepth 1 ! -name protocol -exec rm -rf {} + \
  && mkdir -p packages/server/node_modules
# faiss-node is an optional peer of the server (the repository's own copy is a dev dependency): installed here, at
# the version the repository pins, only for an image that wants it.
RUN if [ "$WITH_FAISS" = "true" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends libfaiss-dev cmake g++ make \
      && npm install --prefix /tmp/faiss --omit=dev --ignore-scripts --no-save --no-audit --no-fund \
           "faiss-node@$(node -p "require('./package-lock.json').packages['node_modules/faiss-node'].version")" \
      && cp -Rn /tmp/faiss/node_modules/. node_modules/ \
      && scripts/build-faiss.sh; \
    fi

# ---- runtime ----
FROM node:24-slim AS runtime
ARG WITH_FAISS
# The faiss addon links Debian's static libfaiss; these are the shared libraries it still needs.
RUN if [ "$WITH_FAISS" = "true" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends libgomp1 libblas3 liblapack3 \
      && rm -rf /var/lib/apt/lists/*; \
    fi
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=deps /app/packages/server/node_modules packages/server/node_modules
# package.json: dist/*.js are ES modules because of its "type": "module".
COPY packages/server/package.json packages/server/
COPY --from=build /app/packages/server/dist packages/server/dist
# @prompt-service/protocol, which node_modules/@prompt-service/protocol links to: its manifest and its build.
COPY --from=build /app/packages/protocol/package.json packages/protocol/
COPY --from=build /app/packages/protocol/dist packages/protocol/dist
# DATA_DIR holds index snapshots and downloaded embedding models (the database is PostgreSQL via DATABASE_URL;
# without it, the embedded PGlite database lives here too). The image's `node` user (uid 1000) owns it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8000
# node:24-slim has neither curl nor wget: Node's own fetch probes the liveness endpoint.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same entry as `npm start` (`npm run build:js -w @prompt-service/server && node
# packages/server/dist/standalone.js`), without its build step: the build happened in the build stage, and the
# runtime image has neither tsup nor the sources. Node runs as PID 1 with no npm in between, so SIGTERM
# reaches the server, which drains in-flight requests and closes its pools before exiting.
CMD ["node", "packages/server/dist/standalone.js"]
