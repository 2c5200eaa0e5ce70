import { Type } from "typebox";
import { PromptBody } from "./prompts.js";

/** Results of a similarity search when `k` is not given. */
export const DEFAULT_K = 5;

/** The longest query a similarity search takes: the server embeds a query whole. */
export const MAX_QUERY_LENGTH = 2000;

export const SimilarQuery = Type.Object({
  q: Type.String({
    minLength: 1,
    maxLength: MAX_QUERY_LENGTH,
    description: "Text to find similar prompts to.",
    example: "hola",
  }),
  k: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 50, default: DEFAULT_K, description: "How many results, at most." }),
  ),
  min_score: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1, description: "Leave out results scoring below this (0..1)." }),
  ),
});

export const SimilarResult = Type.Object({
  ...PromptBody.properties,
  score: Type.Number({
    minimum: 0,
    maximum: 1,
    description:
      "Similarity in [0, 1], higher is closer: mostly the cosine similarity of the sentence embeddings (negatives " +
      "count as 0), blended with the share of the query's words found in the prompt.",
  }),
});

export const SimilarResponse = Type.Object({
  query: Type.String(),
  results: Type.Array(SimilarResult, { description: "The caller's own prompts, best first." }),
});
