import { ErrorBody } from "@prompt-service/protocol/schemas";

/** Error responses every authenticated route may give. */
export const authenticatedErrors = {
  400: ErrorBody,
  401: ErrorBody,
} as const;

/** Error responses of a route that waits on a provider (language model, embeddings): it failed, or timed out. */
export const providerErrors = {
  502: ErrorBody,
  504: ErrorBody,
} as const;
