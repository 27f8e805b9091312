# syntax=docker/dockerfile:1
# One image for the API (the default command) and the notification worker (`node
# dist/src/worker.js`), on the current Node LTS (the major in .nvmrc; test/docker.test.ts checks
# that both stages use it).

# --- build: compile TypeScript and the native modules, then drop the dev dependencies ------------
FROM node:26-trixie-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY seeders ./seeders
RUN npm run build && npm prune --omit=dev

# --- runtime: production dependencies and compiled code only, as the unprivileged node user ----
FROM node:26-trixie-slim
ENV NODE_ENV=production
WORKDIR /app
# The code stays root's (read-only to the app); only the data folder is the app's. The images
# folder exists in the image so that a named volume mounted on it starts owned by `node`.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY assets ./assets
RUN mkdir -p /app/data/images && chown -R node:node /app/data && chmod 0700 /app/data
USER node
EXPOSE 3000
# Liveness only: an outage of the database or Redis must not get a healthy API restarted
# (compose and load balancers use /health/ready to stop sending it traffic instead). The worker,
# which serves no API, replaces this check with one on its own health port (docker-compose.yml).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A young generation of 3 × 8 MB instead of V8's 3 × 16 MB: tens of MB less resident memory
# under load for the same throughput (bench/README.md). An old generation capped at 640 MB: V8
# then lets garbage grow to about 3× the live heap between full collections instead of 4× (its
# growing factor follows the cap); the peak under load went from 280 to 153 MB with the same CPU
# per request. Live heap under load is 40–70 MB. Keep in step with `npm start`.
CMD ["node", "--max-semi-space-size=8", "--max-old-space-size=640", "dist/src/server.js"]
