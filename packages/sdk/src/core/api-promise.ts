import type { HeaderReader } from "../errors.js";

/** What a call's answer said besides its body: its status and headers (`x-request-id`, `RateLimit-*`…). */
export interface ResponseInfo {
  readonly status: number;
  readonly headers: HeaderReader;
}

export interface WithResponse<T> {
  data: T;
  response: ResponseInfo;
}

/**
 * The promise every method that sends one request returns (openai-node's APIPromise): awaited, it is the answer's
 * body; `withResponse()` gives the response with it, for its headers. One class for every method, so no method is
 * written twice.
 */
export class APIPromise<T> extends Promise<T> {
  // What `then`, `catch` and `finally` derive is a plain promise: constructing an APIPromise takes a response.
  static override get [Symbol.species]() {
    return Promise;
  }

  readonly #answer: Promise<WithResponse<T>>;

  constructor(answer: Promise<WithResponse<T>>) {
    // The state of this promise itself is never read: `then` reads `answer`.
    super((resolve) => resolve(undefined as T));
    this.#answer = answer;
  }

  /** The body and the response it came with: `const { data, response } = await client.auth.me().withResponse()`. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#answer;
  }

  /** A promise of `change(body)` with the same response, for a method that does more with the body it gets. */
  transform<U>(change: (data: T) => U | Promise<U>): APIPromise<U> {
    return new APIPromise(
      this.#answer.then(async ({ data, response }) => ({ data: await change(data), response })),
    );
  }

  // biome-ignore lint/suspicious/noThenProperty: a promise's own `then`, reading the answer instead of this promise
  override then<Fulfilled = T, Rejected = never>(
    onfulfilled?: ((value: T) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#answer.then(({ data }) => data).then(onfulfilled, onrejected);
  }
}
