// The catalog the home screen shows: the person's search, the pages loaded so far and the last
// error. It lives outside the screen so the shell can reload it when a sync brings new courses
// and drop the search when the person's session ends.
import { asErrorView, catalogPage, uiReady, type CatalogPage, type CourseCard, type ErrorView, type SearchRequest } from './api';

const PAGE = 40;

function fresh(): SearchRequest {
  return { text: '', limit: PAGE, offset: 0 };
}

class Catalog {
  query: SearchRequest = $state(fresh());
  page: CatalogPage | null = $state(null);
  /** Cards shown so far (pages appended by "더 보기"). */
  cards: CourseCard[] = $state([]);
  error: ErrorView | null = $state(null);
  #request = 0;
  #announced = false;

  /** Something narrows the list: the search text or any filter (not the life stage). */
  get narrowed(): boolean {
    const q = this.query;
    return Boolean(q.text || q.field || q.weekday || q.time_of_day || q.institution || q.price || q.open_now);
  }

  /** The person searched or chose something, so the search is theirs to keep private. */
  get personal(): boolean {
    return this.narrowed || Boolean(this.query.life_stage);
  }

  /** Loads the first page of the query, or appends the next page when `more`. Stale answers are dropped. */
  async load(more = false): Promise<void> {
    const mine = ++this.#request;
    try {
      const next = await catalogPage({ ...this.query, offset: more ? this.cards.length : 0, limit: PAGE });
      if (mine === this.#request) {
        this.page = next;
        this.cards = more ? [...this.cards, ...next.courses] : next.courses;
        this.error = null;
        if (!this.#announced) {
          this.#announced = true;
          // After the cards are on screen: the first frame that can be touched.
          requestAnimationFrame(() => uiReady());
        }
      }
    } catch (e) {
      if (mine === this.#request) this.error = asErrorView(e);
    }
  }

  search(next: SearchRequest): void {
    this.query = next;
    void this.load();
  }

  /** Forgets the person's search (the next load shows the whole catalog). */
  reset(): void {
    this.query = fresh();
  }
}

export const catalog = new Catalog();
