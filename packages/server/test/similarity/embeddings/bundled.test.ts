import { describe, expect, it } from "vitest";
import { BundledEmbedder, modelInput } from "../../../src/similarity/embeddings/bundled.js";
import { embedderContract, PARAPHRASES } from "./contract.js";
import { withoutNetwork } from "./network-guard.js";

embedderContract("bundled Universal Sentence Encoder Lite", () => BundledEmbedder.load(), {
  orderings: PARAPHRASES,
});

describe("bundled embedder", () => {
  it("loads and embeds without opening any network connection", async () => {
    const { result, attempts } = await withoutNetwork(async () => {
      const embedder = await BundledEmbedder.load();
      try {
        return await embedder.embed(["offline, please"]);
      } finally {
        await embedder.close();
      }
    });
    expect(attempts).toEqual([]);
    expect(result[0]).toHaveLength(512);
  });

  it("is the 512-dimensional English model", async () => {
    const embedder = await BundledEmbedder.load();
    await embedder.close();
    expect(embedder).toMatchObject({ id: "bundled:use-lite", dimensions: 512, languages: ["en"] });
  });

  it("gives the same vector whatever the case and accents", async () => {
    const embedder = await BundledEmbedder.load();
    try {
      const [careful, careless] = await embedder.embed([
        "¿Cómo configuro el Wi-Fi?",
        "como configuro el wi-fi",
      ]);
      expect(careful).toEqual(careless);
    } finally {
      await embedder.close();
    }
  });
});

describe("modelInput", () => {
  it("folds case and accents of English text", () => {
    expect(modelInput("Enable 2FA on my Café login")).toBe("enable 2fa on my cafe login");
  });

  it("keeps only the content words of Spanish text", () => {
    expect(modelInput("¿Cómo configuro el wifi de mi casa?")).toBe("configuro wifi casa");
  });

  it("keeps a Spanish text made only of function words, and never gives the model an empty text", () => {
    expect(modelInput("¿de qué?")).toBe("¿de que?");
    expect(modelInput("")).toBe(" ");
  });
});
