/**
 * The server's TypeBox schemas that the SDK's public types are generated from, and the name each type gets.
 * The only place the SDK reaches into the server's source; dev-time only, the published SDK does not depend on
 * the server.
 */
import * as apiKeys from "../../../server/src/auth/api-keys/schemas.js";
import * as auth from "../../../server/src/auth/schemas.js";
import * as http from "../../../server/src/http/schemas.js";
import * as exportFormat from "../../../server/src/prompts/export-format.js";
import * as prompts from "../../../server/src/prompts/schemas.js";
import * as similarity from "../../../server/src/prompts/similar-schemas.js";
import * as usage from "../../../server/src/usage/schemas.js";

export interface SchemaEntry {
  /** The exported TypeScript name. */
  name: string;
  /** A TypeBox schema, which at run time is plain JSON Schema. */
  schema: object;
  /** Request shapes make properties with a server-side default optional; response shapes always carry them. */
  direction: "request" | "response";
}

export const SCHEMA_ENTRIES: readonly SchemaEntry[] = [
  { name: "User", schema: auth.UserBody, direction: "response" },
  { name: "TokenPair", schema: auth.TokenPair, direction: "response" },
  { name: "RegisterParams", schema: auth.RegisterBody, direction: "request" },
  { name: "LoginParams", schema: auth.LoginBody, direction: "request" },
  { name: "DeleteAccountParams", schema: auth.DeleteAccountBody, direction: "request" },
  { name: "ApiKey", schema: apiKeys.ApiKeyBody, direction: "response" },
  { name: "NewApiKey", schema: apiKeys.NewApiKeyBody, direction: "response" },
  { name: "ApiKeyList", schema: apiKeys.ApiKeyList, direction: "response" },
  { name: "CreateApiKeyBody", schema: apiKeys.CreateKeyBody, direction: "request" },
  { name: "Prompt", schema: prompts.PromptBody, direction: "response" },
  { name: "PromptPage", schema: prompts.PromptPage, direction: "response" },
  { name: "CreatePromptParams", schema: prompts.CreatePromptBody, direction: "request" },
  { name: "ListPromptsParams", schema: prompts.ListPromptsQuery, direction: "request" },
  { name: "SimilarQuery", schema: similarity.SimilarQuery, direction: "request" },
  { name: "SimilarPrompt", schema: similarity.SimilarResult, direction: "response" },
  { name: "SimilarResponse", schema: similarity.SimilarResponse, direction: "response" },
  { name: "ExportLine", schema: exportFormat.ExportLine, direction: "response" },
  { name: "ImportResult", schema: exportFormat.ImportResult, direction: "response" },
  { name: "UsageQuery", schema: usage.UsageQuery, direction: "request" },
  { name: "UsageReport", schema: usage.UsageReport, direction: "response" },
  { name: "ErrorBody", schema: http.ErrorBody, direction: "response" },
];
