/**
 * The TypeBox schemas (JSON Schema at run time) of the API's request and response bodies and of the event envelope:
 * the server validates and documents with them, and the SDK's types are generated from them.
 */
export * from "./api-keys.js";
export * from "./auth.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./export-format.js";
export * from "./prompts.js";
export * from "./similar.js";
export * from "./text.js";
export * from "./usage.js";
