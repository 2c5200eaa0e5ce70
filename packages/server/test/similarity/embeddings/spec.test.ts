import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { createEmbedder, parseEmbeddingsSpec } from "../../../src/similarity/embeddings/index.js";

describe("EMBEDDINGS", () => {
  it("names an adapter and, for two of them, a model", () => {
    expect(parseEmbeddingsSpec("bundled")).toEqual({ kind: "bundled" });
    expect(parseEmbeddingsSpec(" transformers:Xenova/all-MiniLM-L6-v2 ")).toEqual({
      kind: "transformers",
      model: "Xenova/all-MiniLM-L6-v2",
    });
    expect(parseEmbeddingsSpec("transformers:/srv/models/e5:v2")).toEqual({
      kind: "transformers",
      model: "/srv/models/e5:v2",
    });
    expect(parseEmbeddingsSpec("openai:text-embedding-3-small")).toEqual({
      kind: "openai",
      model: "text-embedding-3-small",
    });
  });

  it.each(["", "bundled:use", "faiss", "transformers:", "openai: ", "OPENAI:x"])(
    "refuses %j with a ConfigError naming EMBEDDINGS",
    async (spec) => {
      expect(() => parseEmbeddingsSpec(spec)).toThrow(ConfigError);
      await expect(createEmbedder(spec)).rejects.toMatchObject({
        name: "ConfigError",
        variable: "EMBEDDINGS",
        message: expect.stringContaining(
          '"bundled", "transformers:<model id or local path>" or "openai:<model>"',
        ),
      });
    },
  );
});
