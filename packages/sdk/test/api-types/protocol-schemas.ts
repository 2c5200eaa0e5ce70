/**
 * The TypeBox schemas of @prompt-service/protocol that the SDK's public types are generated from, and the name each
 * type gets. Dev-time only: the published SDK carries the generated types, not the schemas (nor typebox).
 */
import * as protocol from "@prompt-service/protocol/schemas";

export interface SchemaEntry {
  /** The exported TypeScript name. */
  name: string;
  /** A TypeBox schema, which at run time is plain JSON Schema. */
  schema: object;
  /** Request shapes make properties with a server-side default optional; response shapes always carry them. */
  direction: "request" | "response";
}

export const SCHEMA_ENTRIES: readonly SchemaEntry[] = [
  { name: "User", schema: protocol.UserBody, direction: "response" },
  { name: "TokenPair", schema: protocol.TokenPair, direction: "response" },
  { name: "RegisterParams", schema: protocol.RegisterBody, direction: "request" },
  { name: "LoginParams", schema: protocol.LoginBody, direction: "request" },
  { name: "DeleteAccountParams", schema: protocol.DeleteAccountBody, direction: "request" },
  { name: "ApiKey", schema: protocol.ApiKeyBody, direction: "response" },
  { name: "NewApiKey", schema: protocol.NewApiKeyBody, direction: "response" },
  { name: "ApiKeyList", schema: protocol.ApiKeyList, direction: "response" },
  { name: "CreateApiKeyBody", schema: protocol.CreateKeyBody, direction: "request" },
  { name: "Prompt", schema: protocol.PromptBody, direction: "response" },
  { name: "PromptPage", schema: protocol.PromptPage, direction: "response" },
  { name: "CreatePromptParams", schema: protocol.CreatePromptBody, direction: "request" },
  { name: "ListPromptsParams", schema: protocol.ListPromptsQuery, direction: "request" },
  { name: "SimilarQuery", schema: protocol.SimilarQuery, direction: "request" },
  { name: "SimilarPrompt", schema: protocol.SimilarResult, direction: "response" },
  { name: "SimilarResponse", schema: protocol.SimilarResponse, direction: "response" },
  { name: "ExportLine", schema: protocol.ExportLine, direction: "response" },
  { name: "ImportResult", schema: protocol.ImportResult, direction: "response" },
  { name: "UsageQuery", schema: protocol.UsageQuery, direction: "request" },
  { name: "UsageReport", schema: protocol.UsageReport, direction: "response" },
  { name: "ErrorBody", schema: protocol.ErrorBody, direction: "response" },
  // The event envelope: what the event stream yields.
  { name: "PromptStart", schema: protocol.PromptStart, direction: "response" },
  { name: "PromptDelta", schema: protocol.PromptDelta, direction: "response" },
  { name: "PromptFailure", schema: protocol.PromptFailure, direction: "response" },
  { name: "PromptDeletion", schema: protocol.PromptDeletion, direction: "response" },
  { name: "PromptStartedEvent", schema: protocol.PromptStartedEvent, direction: "response" },
  { name: "PromptDeltaEvent", schema: protocol.PromptDeltaEvent, direction: "response" },
  { name: "PromptCompletedEvent", schema: protocol.PromptCompletedEvent, direction: "response" },
  { name: "PromptFailedEvent", schema: protocol.PromptFailedEvent, direction: "response" },
  { name: "PromptDeletedEvent", schema: protocol.PromptDeletedEvent, direction: "response" },
  { name: "PromptEvent", schema: protocol.PromptEvent, direction: "response" },
];
