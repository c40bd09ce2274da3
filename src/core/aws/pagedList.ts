/**
 * One list the service returns page by page, as the account cache holds it: the pages that have
 * arrived, whether it is complete or failed, and listeners for what comes next. Every consumer
 * (the Instances view, completion, hover, the pickers, the form) reads the same entry; one that
 * starts observing late is given the pages already in first, so nobody misses the early ones.
 */
export type PageListener<T> = (items: readonly T[], pageIndex: number) => void;

export class PagedList<T, R = T[]> {
  private readonly received: T[][] = [];
  private readonly listeners = new Set<PageListener<T>>();
  private finished: { value: R } | undefined;
  private failure: { error: unknown } | undefined;
  /** The complete result (rejects with the service's error). */
  readonly result: Promise<R>;

  /**
   * @param pages the pages, in order (an SDK paginator)
   * @param finish turns every item into the result (e.g. sorts them), once
   */
  constructor(pages: AsyncIterable<readonly T[]>, finish: (items: T[]) => R) {
    this.result = (async () => {
      try {
        for await (const page of pages) {
          const items = [...page];
          this.received.push(items);
          const index = this.received.length - 1;
          for (const l of [...this.listeners]) l(items, index);
        }
        this.finished = { value: finish(this.items) };
        return this.finished.value;
      } catch (error) {
        this.failure = { error };
        throw error;
      } finally {
        this.listeners.clear();
      }
    })();
    // A failure is read from `state`/`error` or the awaited result; never unhandled here.
    this.result.catch(() => undefined);
  }

  get state(): 'loading' | 'done' | 'error' {
    return this.finished ? 'done' : this.failure ? 'error' : 'loading';
  }

  /** Every item received so far, in page order. */
  get items(): T[] {
    return this.received.flat();
  }

  get pageCount(): number {
    return this.received.length;
  }

  /** The complete result, once every page is in. */
  get value(): R | undefined {
    return this.finished?.value;
  }

  get error(): unknown {
    return this.failure?.error;
  }

  /**
   * Calls `onPage` with each page already received, then with every later page until the list is
   * complete. Returns the function that stops observing.
   */
  observe(onPage: PageListener<T>): () => void {
    this.received.forEach((items, i) => onPage(items, i));
    if (this.state !== 'loading') return () => undefined;
    this.listeners.add(onPage);
    return () => this.listeners.delete(onPage);
  }
}
