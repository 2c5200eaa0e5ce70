/** What the prompt service needs from a sentence-embedding model, whichever adapter computes the vectors. */
export interface Embedder {
  /**
   * The model, stored next to every vector (e.g. "bundled:use-lite"): vectors of different models are not
   * comparable, so a changed id means the stored vectors must be computed again.
   */
  readonly id: string;
  /** Length of every vector. */
  readonly dimensions: number;
  /**
   * Languages (ISO 639-1) the model was trained for, when it is known to handle only these; undefined for a
   * multilingual or unknown model. The ranking leans on lexical matches for queries in other languages.
   */
  readonly languages?: readonly string[];
  /** One unit-length vector per text, in the order of `texts`. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Releases the model or connections; the embedder is not used afterwards. */
  close(): Promise<void>;
}
