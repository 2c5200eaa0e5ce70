export interface CursorPage<T> {
  results: T[];
  /** The cursor of the next page; null on the last. */
  next: string | null;
}

/**
 * A cursor-paginated listing: iterating it yields every item, fetching each page only when iteration reaches it,
 * so that breaking out of the loop early fetches no more.
 */
export class CursorList<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
    private readonly startCursor?: string,
  ) {}

  /** The pages themselves, for callers that show or checkpoint one page at a time. */
  async *pages(): AsyncGenerator<CursorPage<T>, void, undefined> {
    let cursor = this.startCursor;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.results;
  }
}
