import { stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import type { FeatureExtractionPipeline } from "@huggingface/transformers";
import { ConfigError } from "../../errors.js";
import type { Embedder } from "./port.js";
import { toUnitVector } from "./unit-vector.js";

/**
 * Any Sentence-Transformers-style ONNX model through Transformers.js: token embeddings mean-pooled over the attention
 * mask and normalised, as sentence-transformers does for mean-pooling models (all-MiniLM, e5, paraphrase-multilingual).
 * onnxruntime-node ships its CPU binaries inside the npm package; its install script only downloads optional CUDA
 * binaries and fails offline, which is why the root package.json does not allow it to run (allowScripts).
 */
export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #extractor: FeatureExtractionPipeline;

  private constructor(id: string, dimensions: number, extractor: FeatureExtractionPipeline) {
    this.id = id;
    this.dimensions = dimensions;
    this.#extractor = extractor;
  }

  /**
   * `model` is a folder on disk (absolute, or relative to the working directory) holding config.json, tokenizer.json
   * and onnx/model.onnx, which is then loaded with remote loading off; or a Hugging Face Hub id such as
   * "Xenova/all-MiniLM-L6-v2", read from `cacheDir` when it was downloaded before and downloaded into it otherwise.
   */
  static async load(model: string, options: { cacheDir?: string } = {}): Promise<TransformersEmbedder> {
    const folder = await localModelFolder(model);
    // Imported on demand, and an optional peer of the package: the ONNX runtime is hundreds of megabytes, and only
    // this adapter needs it.
    const { env, pipeline } = await import("@huggingface/transformers").catch((error: unknown) => {
      // Another module missing inside it is not this: only the package itself.
      const { code, message } = error as { code?: string; message?: string };
      if (code !== "ERR_MODULE_NOT_FOUND" || !message?.includes("'@huggingface/transformers'")) throw error;
      throw new ConfigError(
        "EMBEDDINGS",
        `is "transformers:${model}", which needs the @huggingface/transformers package: npm install @huggingface/transformers`,
      );
    });
    // `env` is global to the library: it is set right before each load, which is all it is read for. A folder is
    // read where it is and nothing is fetched; a Hub id is read from the cache, else downloaded into it.
    env.allowLocalModels = folder !== undefined;
    env.allowRemoteModels = folder === undefined;
    if (folder !== undefined) env.localModelPath = dirname(folder);
    if (options.cacheDir !== undefined) env.cacheDir = options.cacheDir;
    const extractor = await pipeline("feature-extraction", folder === undefined ? model : basename(folder), {
      dtype: "fp32",
      local_files_only: folder !== undefined,
    }).catch((error: unknown) => {
      if (folder !== undefined) throw error;
      throw downloadFailed(model, options.cacheDir, error);
    });
    // A model's hidden size is named differently by each architecture's config; embedding one text asks the model.
    const [probe] = await embedWith(extractor, ["dimensions"]);
    return new TransformersEmbedder(`transformers:${model}`, (probe as Float32Array).length, extractor);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return embedWith(this.#extractor, texts);
  }

  async close(): Promise<void> {
    await this.#extractor.dispose();
  }
}

/**
 * A Hub id that is not in the cache and could not be downloaded (no network, a proxy, a name that does not exist):
 * the error says so, and how to give the server the model without a download, instead of the library's bare
 * "fetch failed".
 */
function downloadFailed(model: string, cacheDir: string | undefined, error: unknown): ConfigError {
  const reason = error instanceof Error ? error.message : String(error);
  const cached =
    cacheDir === undefined ? "" : ` (or into ${resolve(cacheDir, model)}, where it is then found)`;
  return new ConfigError(
    "EMBEDDINGS",
    `is "transformers:${model}", which is not on disk, and downloading it from the Hugging Face Hub failed (${reason}). ` +
      `To provide it offline: on a machine with network access, download the model's folder (config.json, ` +
      `tokenizer.json, tokenizer_config.json and onnx/model.onnx, e.g. git clone https://huggingface.co/${model}), ` +
      `copy it here, and set EMBEDDINGS=transformers:/path/to/that/folder${cached}.`,
  );
}

async function embedWith(extractor: FeatureExtractionPipeline, texts: string[]): Promise<Float32Array[]> {
  const output = await extractor(texts, { pooling: "mean", normalize: true });
  const width = output.dims.at(-1) as number;
  const data = output.data as Float32Array;
  return texts.map((_, row) => toUnitVector(data.subarray(row * width, (row + 1) * width)));
}

/**
 * The absolute path when `model` names an existing folder; undefined for a Hub id. A path that looks local ("./x",
 * "/x") but does not exist is a configuration error rather than a download attempt.
 */
export async function localModelFolder(model: string): Promise<string | undefined> {
  const path = resolve(model);
  const isFolder = await stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (isFolder) return path;
  if (isAbsolute(model) || model.startsWith(".")) {
    throw new ConfigError("EMBEDDINGS", `names the model folder ${path}, which does not exist`);
  }
  return undefined;
}
