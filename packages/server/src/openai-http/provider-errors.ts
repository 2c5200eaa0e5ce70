import type { ErrorCode } from "@prompt-service/protocol";

/**
 * How the failures of one kind of provider read to the client. The chat and the embeddings adapters share the HTTP
 * client, its retries and its time budget, but a client must tell a search that failed from an answer that did.
 */
export interface ProviderErrors {
  /** Names the provider in details, as in "Could not reach the language model provider (ECONNREFUSED)." */
  readonly providerName: string;
  /** The provider could not be reached, refused the call or answered what cannot be read. */
  readonly failed: ErrorCode;
  /** The call ran out of its time budget. */
  readonly timedOut: ErrorCode;
}

export const LANGUAGE_MODEL_ERRORS: ProviderErrors = {
  providerName: "language model provider",
  failed: "llm_error",
  timedOut: "llm_timeout",
};

export const EMBEDDINGS_ERRORS: ProviderErrors = {
  providerName: "embeddings provider",
  failed: "embedding_error",
  timedOut: "embedding_timeout",
};
