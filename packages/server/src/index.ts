/** @prompt-service/server: the Prompt Service API as a Fastify plugin, and a ready-made server around it. */

export { ERROR_CODES, type ErrorCode } from "@prompt-service/protocol";
export { createServer, type ServerOptions } from "./app.js";
export { loadConfig, type PromptServiceOptions, resolveOptions } from "./config.js";
export { ConfigError } from "./errors.js";
export { ApiError, type ErrorBody } from "./http/api-error.js";
export type { LlmProvider } from "./llm/port.js";
export { type PromptServicePluginOptions, promptService, promptService as default } from "./plugin.js";
export { runServer } from "./run.js";
export { SETTINGS, type Setting } from "./settings/table.js";
export { createEmbedder, type Embedder } from "./similarity/embeddings/index.js";
export { openStorage, type Storage } from "./storage/index.js";
