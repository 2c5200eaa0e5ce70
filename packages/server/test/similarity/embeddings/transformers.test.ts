import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TINY_MODEL_DIMENSIONS,
  TINY_MODEL_DIR,
  writeTinyModel,
} from "../../../../../scripts/make-tiny-model.js";
import { ConfigError } from "../../../src/errors.js";
import {
  createEmbedder,
  TransformersEmbedder,
  WorkerPoolEmbedder,
} from "../../../src/similarity/embeddings/index.js";
import { embedderContract } from "./contract.js";
import { withoutNetwork } from "./network-guard.js";

// The tests load a model generated afresh by scripts/make-tiny-model.ts, through the adapter's real loading code.
let scratch: string;
let folder: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tiny-model-"));
  folder = join(scratch, "tiny-bert");
  await writeTinyModel(folder);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

embedderContract("Transformers.js on a generated tiny BERT", () => TransformersEmbedder.load(folder), {
  // The tiny model knows no meaning: it averages token vectors, so texts that share words are nearer.
  orderings: [
    ["reset my email password", "email password reset", "weather rain sun"],
    ["cake recipe", "bread cake recipe", "train city trip"],
    ["cat dog", "dog cat car", "weather rain"],
  ],
});

describe("Transformers.js embedder", () => {
  it("loads a local folder and embeds without opening any network connection", async () => {
    const { result, attempts } = await withoutNetwork(async () => {
      const embedder = await TransformersEmbedder.load(folder);
      try {
        return {
          id: embedder.id,
          dimensions: embedder.dimensions,
          vectors: await embedder.embed(["cat dog"]),
        };
      } finally {
        await embedder.close();
      }
    });
    expect(attempts).toEqual([]);
    expect(result).toMatchObject({ id: `transformers:${folder}`, dimensions: TINY_MODEL_DIMENSIONS });
    expect(result.vectors[0]).toHaveLength(TINY_MODEL_DIMENSIONS);
  });

  it("mean-pools token vectors: word order does not matter, word counts do", async () => {
    const embedder = await TransformersEmbedder.load(folder);
    try {
      const [catDog, dogCat, catCatDog] = await embedder.embed(["cat dog", "dog cat", "cat cat dog"]);
      expect(catDog).toEqual(dogCat);
      expect(catCatDog).not.toEqual(catDog);
    } finally {
      await embedder.close();
    }
  });

  it("is chosen by EMBEDDINGS=transformers:<path>, relative paths included, and runs in worker threads", async () => {
    const embedder = await createEmbedder(`transformers:${relative(process.cwd(), TINY_MODEL_DIR)}`, {
      threads: 1,
    });
    try {
      expect(embedder).toBeInstanceOf(WorkerPoolEmbedder);
      expect(embedder.dimensions).toBe(TINY_MODEL_DIMENSIONS);
      const [fromWorker] = await embedder.embed(["cat dog"]);
      const inThread = await TransformersEmbedder.load(TINY_MODEL_DIR);
      const [here] = await inThread.embed(["cat dog"]);
      await inThread.close();
      expect(Array.from(fromWorker ?? [])).toEqual(Array.from(here ?? []));
    } finally {
      await embedder.close();
    }
  });

  it("reads a Hub id from the cache when it was downloaded before, without the network", async () => {
    const cacheDir = join(scratch, "cache");
    await writeTinyModel(join(cacheDir, "test-org", "tiny-bert"));
    const { result, attempts } = await withoutNetwork(async () => {
      // In this thread, where the guard watches the network (the pool would load it in a worker).
      const embedder = await TransformersEmbedder.load("test-org/tiny-bert", { cacheDir });
      await embedder.close();
      return embedder;
    });
    expect(attempts).toEqual([]);
    expect(result).toMatchObject({
      id: "transformers:test-org/tiny-bert",
      dimensions: TINY_MODEL_DIMENSIONS,
    });
  });

  it("downloads a Hub id that is not in the cache, and says how to provide it offline when that fails", async () => {
    const cacheDir = join(scratch, "empty-cache");
    const { result, attempts } = await withoutNetwork(() =>
      TransformersEmbedder.load("test-org/not-cached", { cacheDir }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    // It went for the Hub, and was refused by the guard.
    expect(attempts.join("\n")).toContain("huggingface.co");
    expect(result).toBeInstanceOf(ConfigError);
    const { variable, message } = result as ConfigError;
    expect(variable).toBe("EMBEDDINGS");
    expect(message).toContain("downloading it from the Hugging Face Hub failed");
    expect(message).toContain("To provide it offline");
    expect(message).toContain("EMBEDDINGS=transformers:/path/to/that/folder");
    expect(message).toContain(join(cacheDir, "test-org/not-cached"));
  });

  it("refuses a local path that does not exist, naming EMBEDDINGS", async () => {
    const attempt = createEmbedder("transformers:./no/such/model");
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toMatchObject({ variable: "EMBEDDINGS" });
  });

  it("has its committed fixture equal to what scripts/make-tiny-model.ts generates", async () => {
    const files = await listFiles(folder);
    expect(await listFiles(TINY_MODEL_DIR)).toEqual(files);
    for (const file of files) {
      const [committed, generated] = await Promise.all([
        readFile(join(TINY_MODEL_DIR, file)),
        readFile(join(folder, file)),
      ]);
      // The formatter may lay the committed JSON out differently; the content is what must match.
      if (file.endsWith(".json"))
        expect(JSON.parse(committed.toString()), file).toEqual(JSON.parse(generated.toString()));
      else expect(committed, file).toEqual(generated);
    }
  });
});

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}
