/**
 * An existing Fastify app that mounts the whole Prompt Service under /prompt-service, next to routes of its own.
 *
 *   npx tsx examples/mount-plugin.ts            # http://127.0.0.1:3000; the API under /prompt-service
 *
 * The plugin reads no environment variables itself: the app passes what it wants (here DATABASE_URL, REDIS_URL,
 * JWT_SECRET and DATA_DIR, when set; without DATA_DIR its embedded database is ./.prompt-service-acme, so that it
 * runs beside `npm start`). Clients use the prefix as part of the server's address, e.g.
 * `new PromptClient({ baseUrl: "http://127.0.0.1:3000/prompt-service" })`.
 */
import { promptService } from "@prompt-service/server";
import Fastify from "fastify";

const app = Fastify({
  logger: { level: process.env.LOG_LEVEL || "info" },
  // The plugin opens its database and loads the embedding model while it registers, which can outlast Fastify's
  // default of 10 s on a small or busy machine.
  pluginTimeout: 60_000,
});

// The app's own routes, hooks and error format: the plugin is encapsulated, so its error handler, validation and
// JSON-only rule apply to its own routes and leave these alone.
app.addHook("onSend", async (_request, reply) => {
  reply.header("x-served-by", "acme-app"); // an app-wide hook reaches the plugin's routes too
});
app.get("/", async () => ({ app: "acme", promptService: "/prompt-service", docs: "/prompt-service/docs" }));
app.get("/health", async () => ({ ok: true }));

// Empty variables count as unset, as they do for the standalone server.
const env = (name: string) => process.env[name] || undefined;
await app.register(promptService, {
  prefix: "/prompt-service",
  databaseUrl: env("DATABASE_URL"), // unset: the embedded PGlite database in dataDir
  redisUrl: env("REDIS_URL"), // unset: events and rate limits stay in this process
  jwtSecret: env("JWT_SECRET"), // unset: a development secret generated once into dataDir
  // A folder of its own: `npm start` may be running on ./.prompt-service, and an embedded database has one owner.
  dataDir: env("DATA_DIR") ?? "./.prompt-service-acme",
});

// Closing the app closes the plugin's database pool, Redis connections and open WebSockets.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, "closing");
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, "close failed");
        process.exit(1);
      },
    );
  });
}

const address = await app.listen({ port: Number(env("PORT") ?? 3000), host: env("HOST") ?? "127.0.0.1" });
console.log(`acme app on ${address}, Prompt Service API on ${address}/prompt-service`);
