# One image for every sedano service; docker-compose.yml picks the entry point per container.
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build step.
FROM node:24-bookworm-slim
WORKDIR /app
# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node ships its CPU binaries; its install script
# would only fetch optional CUDA files from outside the npm registry.
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip
# The lockfile records every platform's optional binaries (linux/amd64 and linux/arm64 among
# them), so npm ci installs exactly what it pins on either (test/integration/shipping/).
# patches/: fixes to dependencies that patch-package applies after the install (postinstall).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund
COPY services ./services
COPY topology ./topology
COPY schemas ./schemas
COPY scripts/topology.ts ./scripts/topology.ts
USER node
CMD ["node", "services/smoke/main.ts"]
