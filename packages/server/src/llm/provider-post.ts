import { type Dispatcher, request } from "undici";
import { ApiError } from "../errors.js";
import type { CallScope } from "./call-scope.js";
import { statusError } from "./openai-wire.js";
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
  | { failure: ApiError; retryable: boolean; headers: Dispatcher.ResponseData["headers"] };

/**
 * Sends the request, retrying as the policy allows (Retry-After first, else jittered backoff, never past the
 * scope's budget), and returns the body of the first 2xx answer, unread. Failures are ApiErrors of the scope's
 * provider (`failed`) whose detail names the status but never quotes the provider's text.
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
    const { failed, providerName } = scope.errors;
    const failure = new ApiError(failed, `Could not reach the ${providerName} (${reason}).`, {
      cause: error,
    });
    return { failure, retryable: isConnectionReset(error), headers: {} };
  }
  const { statusCode, headers, body } = response;
  if (statusCode >= 200 && statusCode < 300) return { body };
  // Reading the error body to its end also lets the connection be reused for the retry.
  const failure = statusError(scope.errors, statusCode, await body.text());
  return { failure, retryable: isRetryableStatus(statusCode), headers };
}
