import { seededRandom } from "../../packages/server/test/similarity/vector-index/random-vectors.js";

/**
 * Words prompts are made of: common English so that the bundled model sees ordinary text, and enough of them that
 * the lexical index holds many distinct terms, as real prompts would give it.
 */
const WORDS = (
  "garden tomato water light soil plant seed grow summer winter kitchen recipe bread oven flour sugar salt " +
  "butter coffee tea morning evening travel train ticket city river mountain lake beach hotel flight map " +
  "phone battery screen laptop keyboard mouse printer network router password account email message friend " +
  "family birthday gift party music guitar piano song movie book story author history science planet star " +
  "moon ocean fish bird dog cat horse forest tree flower rain snow wind storm cloud sun weather season " +
  "school lesson teacher student exam homework language spanish english french word sentence grammar " +
  "doctor health sleep exercise running walking yoga diet fruit vegetable apple orange banana lemon " +
  "money budget bank loan salary invoice tax insurance house rent kitchen window door paint wall floor " +
  "car engine tire fuel repair brake road bridge traffic parking job interview resume meeting project " +
  "deadline report team manager office code bug test server database cloud deploy release version"
).split(" ");

/** Reproducible prompt-like texts: `count` of them, each unique thanks to a serial number among its words. */
export class PromptTexts {
  readonly #random: () => number;
  #serial = 0;

  constructor(
    seed: number,
    private readonly tag = "",
  ) {
    this.#random = seededRandom(seed);
  }

  /** A question of 8 to 14 words, unique in this generator's sequence. */
  next(): string {
    const length = 8 + Math.floor(this.#random() * 7);
    const words = Array.from({ length }, () => WORDS[Math.floor(this.#random() * WORDS.length)] as string);
    return `how do I ${words.join(" ")} ${this.tag}${(this.#serial++).toString(36)}?`;
  }

  take(count: number): string[] {
    return Array.from({ length: count }, () => this.next());
  }
}
