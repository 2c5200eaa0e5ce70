import { type Dispatcher, request } from "undici";
import { ProviderError, type ProviderKind } from "../errors.js";
import type { CallScope } from "./call-scope.js";
import { isConnectionReset, isRetryableStatus, retryDelayMs } from "./retry.js";

export type ResponseBody = Dispatcher.ResponseData["body"];

/** One POST to an OpenAI-compatible endpoint (chat completions, embeddings). */
export interface ProviderPost {
  dispatcher: Dispatcher;
  url: string;
  apiKey: string;
  /** The JSON request body. */
  payload: string;
  accept: string;
  /** Retries after a 429, a 5xx or a dropped connection. */
  maxRetries: number;
}

type Attempt =
  | { body: ResponseBody }
  | { failure: ProviderError; retryable: boolean; headers: Dispatcher.ResponseData["headers"] };

/**
 * Sends the request, retrying as the policy allows (Retry-After first, else jittered backoff, never past the
 * scope's budget), and returns the body of the first 2xx answer, unread. Failures are ProviderErrors of the scope's
 * provider whose message names the status but never quotes the provider's text.
 */
export async function postWithRetries(post: ProviderPost, scope: CallScope): Promise<ResponseBody> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await sendOnce(post, scope);
    if ("body" in outcome) return outcome.body;
    const { failure, retryable, headers } = outcome;
    const canRetry = retryable && attempt < post.maxRetries;
    const delay = canRetry ? retryDelayMs(headers, attempt, scope.remainingMs()) : undefined;
    if (delay === undefined) throw failure;
    await scope.sleep(delay);
  }
}

/** One attempt: the body of a 2xx answer, or what failed and whether sending again may help. */
async function sendOnce(post: ProviderPost, scope: CallScope): Promise<Attempt> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(post.url, {
      dispatcher: post.dispatcher,
      method: "POST",
      headers: {
        authorization: `Bearer ${post.apiKey}`,
        "content-type": "application/json",
        accept: post.accept,
      },
      body: post.payload,
      signal: scope.signal,
    });
  } catch (error) {
    if (scope.signal.aborted) throw error;
    const reason = (error as { code?: unknown } | null)?.code ?? "connection failed";
    const failure = new ProviderError(
      scope.provider,
      `Could not reach the ${scope.provider} provider (${reason}).`,
      { cause: error },
    );
    return { failure, retryable: isConnectionReset(error), headers: {} };
  }
  const { statusCode, headers, body } = response;
  if (statusCode >= 200 && statusCode < 300) return { body };
  // Reading the error body to its end also lets the connection be reused for the retry.
  const failure = statusError(scope.provider, statusCode, await body.text());
  return { failure, retryable: isRetryableStatus(statusCode), headers };
}

/** For a non-2xx answer: its status and, when the body has one, OpenAI's machine-readable error code. */
export function statusError(provider: ProviderKind, status: number, body: string): ProviderError {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    // Not JSON (e.g. a proxy's HTML page): the status alone has to do.
  }
  return new ProviderError(
    provider,
    `The ${provider} provider answered HTTP ${status}${codeSuffix(payload)}.`,
  );
}

/** " (code)" from `error.code` or `error.type`, kept only when it is an identifier so no free text slips through. */
export function codeSuffix(payload: unknown): string {
  const error =
    typeof payload === "object" && payload !== null ? (payload as { error?: unknown }).error : undefined;
  for (const field of ["code", "type"]) {
    const value =
      typeof error === "object" && error !== null ? (error as Record<string, unknown>)[field] : undefined;
    if (typeof value === "string" && /^[\w.-]{1,64}$/.test(value)) return ` (${value})`;
  }
  return "";
}
