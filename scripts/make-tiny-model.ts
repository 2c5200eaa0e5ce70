/**
 * `tsx scripts/make-tiny-model.ts [folder]`: writes a tiny BERT-shaped sentence-embedding model that Transformers.js
 * loads like a real one, so that the `transformers:` adapter is tested offline through its real loading code.
 *
 * The folder holds config.json (model_type "bert"), a WordPiece tokenizer.json, tokenizer_config.json, and
 * onnx/model.onnx (with an identical onnx/model_quantized.onnx, the file Transformers.js 2.x loads by default). The
 * ONNX graph is one Gather of a token-embedding table: last_hidden_state[b, s] = table[input_ids[b, s]]. Mean pooling
 * then makes a sentence vector the average of its tokens' rows: texts sharing tokens come out closer, identical
 * texts identical. Weights come from a seeded generator, so every run writes the same bytes. Default folder:
 * packages/server/test/fixtures/tiny-model/tiny-bert.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export const TINY_MODEL_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../packages/server/test/fixtures/tiny-model/tiny-bert",
);

/** Width of the token vectors, hence of the sentence vectors. */
export const TINY_MODEL_DIMENSIONS = 16;

const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const WORDS = `the a an and or of to in on for with is are my your how what why do i you it this that can
  reset password email account recipe bread cake cook weather rain sun cat dog car train city trip`;
/** Single characters, alone and as word continuations, so that any lowercase ASCII word can be tokenized. */
const CHARACTERS = [..."abcdefghijklmnopqrstuvwxyz0123456789"];

export function tinyVocabulary(): string[] {
  return [
    ...SPECIAL_TOKENS,
    ...WORDS.trim().split(/\s+/),
    ...CHARACTERS,
    ...CHARACTERS.map((character) => `##${character}`),
  ];
}

export async function writeTinyModel(folder: string = TINY_MODEL_DIR): Promise<void> {
  const vocabulary = tinyVocabulary();
  await mkdir(join(folder, "onnx"), { recursive: true });
  const model = onnxModel(vocabulary.length);
  await writeFile(join(folder, "onnx/model.onnx"), model);
  await writeFile(join(folder, "onnx/model_quantized.onnx"), model);
  await writeJson(join(folder, "config.json"), {
    model_type: "bert",
    architectures: ["BertModel"],
    hidden_size: TINY_MODEL_DIMENSIONS,
    vocab_size: vocabulary.length,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    pad_token_id: 0,
  });
  await writeJson(join(folder, "tokenizer.json"), tokenizerJson(vocabulary));
  await writeJson(join(folder, "tokenizer_config.json"), {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    model_max_length: 512,
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    mask_token: "[MASK]",
    clean_up_tokenization_spaces: true,
  });
}

/** input_ids, attention_mask, token_type_ids (int64, [batch, sequence]) → last_hidden_state (float, [.., hidden]). */
function onnxModel(vocabularySize: number): Uint8Array {
  const { INT64, FLOAT } = onnx.TensorProto.DataType;
  const shape = (...dimensions: Array<string | number>) => ({
    dim: dimensions.map((dimension) =>
      typeof dimension === "number" ? { dimValue: dimension } : { dimParam: dimension },
    ),
  });
  const tokenInput = (name: string) => ({
    name,
    type: { tensorType: { elemType: INT64, shape: shape("batch", "sequence") } },
  });
  const table = tokenTable(vocabularySize);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 13 }],
    producerName: "prompt-service make-tiny-model",
    graph: {
      name: "tiny-bert",
      node: [
        {
          name: "lookup",
          opType: "Gather",
          input: ["embeddings", "input_ids"],
          output: ["last_hidden_state"],
        },
      ],
      initializer: [
        {
          name: "embeddings",
          dataType: FLOAT,
          dims: [vocabularySize, TINY_MODEL_DIMENSIONS],
          rawData: new Uint8Array(table.buffer),
        },
      ],
      // The mask and token types are declared because BERT tokenizers feed them; the lookup does not read them.
      input: [tokenInput("input_ids"), tokenInput("attention_mask"), tokenInput("token_type_ids")],
      output: [
        {
          name: "last_hidden_state",
          type: { tensorType: { elemType: FLOAT, shape: shape("batch", "sequence", TINY_MODEL_DIMENSIONS) } },
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** One row of values in [-1, 1) per token, from mulberry32 with a fixed seed; the padding row stays zero. */
function tokenTable(vocabularySize: number): Float32Array {
  let state = 0x5eed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const table = new Float32Array(vocabularySize * TINY_MODEL_DIMENSIONS);
  for (let index = TINY_MODEL_DIMENSIONS; index < table.length; index++) table[index] = next() * 2 - 1;
  return table;
}

/** The Hugging Face tokenizers format of a lowercasing BERT WordPiece tokenizer. */
function tokenizerJson(vocabulary: string[]): unknown {
  const special = (token: string) => ({ SpecialToken: { id: token, type_id: 0 } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [special("[CLS]"), { Sequence: { id: "A", type_id: 0 } }, special("[SEP]")],
      pair: [
        special("[CLS]"),
        { Sequence: { id: "A", type_id: 0 } },
        special("[SEP]"),
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ["[CLS]", "[SEP]"].map((token) => [
          token,
          { id: token, ids: [vocabulary.indexOf(token)], tokens: [token] },
        ]),
      ),
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocabulary.map((token, id) => [token, id])),
    },
  };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const folder = resolve(process.argv[2] ?? TINY_MODEL_DIR);
  await writeTinyModel(folder);
  console.log(`wrote ${folder}`);
}
