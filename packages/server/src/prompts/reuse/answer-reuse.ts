import type { FastifyBaseLogger } from "fastify";
import type { SimilarityService } from "../../similarity/similarity-service.js";
import type { StoredPrompt } from "../../storage/index.js";
import { questionDifference } from "./same-question.js";

/**
 * Whether an earlier prompt's answer may answer `text`: it scores at least `minScore` against it (the similarity
 * search's score) and no check of ./same-question.ts tells them apart.
 */
export function mayReuse(
  candidate: { prompt: string; score: number },
  text: string,
  minScore: number,
): boolean {
  return candidate.score >= minScore && questionDifference(candidate.prompt, text) === undefined;
}

/**
 * ANSWER_REUSE_MIN_SCORE: answers a prompt with the same user's earlier answer to the same question, without asking
 * the model. Only ever the user's own prompts (the similarity search sees no others), and only the closest one.
 */
export class AnswerReuse {
  constructor(
    private readonly similarity: SimilarityService,
    private readonly minScore: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * The user's earlier prompt whose answer answers `text`, if any. Never throws: when the search cannot run (its
   * queue is full, the database is down) the model is asked, as without reuse.
   */
  async earlierAnswerFor(userId: number, text: string): Promise<StoredPrompt | undefined> {
    try {
      const [closest] = await this.similarity.search(userId, text, 1, this.minScore);
      return closest && mayReuse(closest, text, this.minScore) ? closest : undefined;
    } catch (error) {
      this.log.warn({ err: error, userId }, "could not look for an answer to reuse; asking the model");
      return undefined;
    }
  }
}
