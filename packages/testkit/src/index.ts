export { type HeadlessChromium, launchChromium } from "./chromium.js";
export { seedEmbeddedDataDir } from "./embedded-template.js";
export { fakeJwt, jwtExpiringIn } from "./jwt.js";
export {
  REPOSITORY_ROOT,
  type ServerProcess,
  spawnServer,
  spawnTypeScript,
  startServerProcess,
  type TypeScriptProcess,
} from "./process.js";
export { createPrompt } from "./prompts.js";
export { requireRedis, uniqueRedisPrefix } from "./redis.js";
export { type StartServerOptions, startServer, TEST_JWT_SECRET, type TestServer } from "./server.js";
export { createTestSchema, TEST_DATABASE_URL, TEST_REDIS_URL, type TestSchema } from "./services.js";
export { gaps, hang, json, type StubCall, type StubRequestInit, stubFetch } from "./stub-fetch.js";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";
export { registerUser, type TestUser } from "./users.js";
