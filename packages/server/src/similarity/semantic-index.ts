import { LexicalIndex } from "./ranking/index.js";
import type { VectorIndex } from "./vector-index/index.js";

/**
 * The in-memory search structures of every user: nearest vectors (dense) and a word index (lexical), kept in
 * step. Both are derived from the database and can always be rebuilt from it.
 */
export class SemanticIndex {
  readonly #lexical = new Map<number, LexicalIndex>();
  /** Every indexed prompt id, to tell quickly which rows another instance added. */
  readonly #known = new Set<number>();
  /** Indexed prompts whose vector has not arrived yet. */
  readonly #withoutVector = new Set<number>();

  constructor(readonly vectors: VectorIndex) {}

  /** Adds or replaces one prompt; idempotent, as catching up replays rows. */
  add(userId: number, id: number, text: string, vector: Float32Array): void {
    this.vectors.add(userId, id, vector);
    this.addText(userId, id, text);
    this.#withoutVector.delete(id);
  }

  /** Makes the prompt findable by its words while its vector is being computed. */
  addText(userId: number, id: number, text: string): void {
    let lexical = this.#lexical.get(userId);
    if (!lexical) {
      lexical = new LexicalIndex();
      this.#lexical.set(userId, lexical);
    }
    if (!lexical.has(id)) lexical.add(id, text);
    if (!this.#known.has(id)) {
      this.#known.add(id);
      if (!this.vectors.has(userId, id)) this.#withoutVector.add(id);
    }
  }

  knows(id: number): boolean {
    return this.#known.has(id);
  }

  /** Whether a known prompt's vector is indexed, without knowing its user. */
  hasVectorFor(id: number): boolean {
    return this.#known.has(id) && !this.#withoutVector.has(id);
  }

  hasVector(userId: number, id: number): boolean {
    return this.vectors.has(userId, id);
  }

  lexicalOf(userId: number): LexicalIndex | undefined {
    return this.#lexical.get(userId);
  }
}
