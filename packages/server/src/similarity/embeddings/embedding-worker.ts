/**
 * A worker thread of the embedding pool (see ./worker-pool.ts): loads the model once, when the thread starts, and
 * runs it once on a sentence, so that the first user's search does not pay for the model's first run (compiling its
 * kernels, sizing its working memory: about 50 MB and tens of milliseconds with the bundled model); then embeds the
 * batches it is given. The default export is piscina's task handler; `describe` tells the main thread
 * what the model is.
 */
import { workerData } from "node:worker_threads";
import { type LocalModelSpec, loadLocalModel } from "./local-model.js";
import type { Embedder } from "./port.js";

const model = await loadLocalModel(workerData as LocalModelSpec);
await model.embed(["How do I warm up a model before the first request?"]);

export default function embed(texts: string[]): Promise<Float32Array[]> {
  return model.embed(texts);
}

export function describe(): Pick<Embedder, "id" | "dimensions" | "languages"> {
  return { id: model.id, dimensions: model.dimensions, languages: model.languages };
}
