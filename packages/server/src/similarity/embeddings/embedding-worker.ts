/**
 * A worker thread of the embedding pool (see ./worker-pool.ts): loads the model once, when the thread starts, then
 * embeds the batches it is given. The default export is piscina's task handler; `describe` tells the main thread
 * what the model is.
 */
import { workerData } from "node:worker_threads";
import { type LocalModelSpec, loadLocalModel } from "./local-model.js";
import type { Embedder } from "./port.js";

const model = await loadLocalModel(workerData as LocalModelSpec);

export default function embed(texts: string[]): Promise<Float32Array[]> {
  return model.embed(texts);
}

export function describe(): Pick<Embedder, "id" | "dimensions" | "languages"> {
  return { id: model.id, dimensions: model.dimensions, languages: model.languages };
}
