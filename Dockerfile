# One image for every sedano service; docker-compose.yml picks the entry point per container.
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build step.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY services ./services
COPY topology ./topology
COPY schemas ./schemas
COPY scripts/topology.ts ./scripts/topology.ts
USER node
CMD ["node", "services/smoke/main.ts"]
