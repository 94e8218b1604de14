/**
 * One filtered, keyset-paged list for a console page: filters come from the route's query (so a view can be
 * bookmarked), the first page loads when they change, "Load more" appends the next, and a refused filter names its
 * field so the page can mark it.
 */
import type { ReactiveController } from 'lit';
import { ApiError, call, qs } from './api.js';
import type { ConsolePage } from './base.js';

export class KeysetList<P, T> implements ReactiveController {
  rows: T[] = [];
  next: string | null = null;
  error: { message: string; field?: string } | null = null;
  loading = false;
  private loadedFor: string | null = null;

  constructor(
    private readonly host: ConsolePage,
    /** API path and the hash of the page, e.g. `payments`. */
    private readonly path: string,
    private readonly keys: readonly string[],
    private readonly items: (page: P) => { items: T[]; next: string | null },
  ) {
    host.addController(this);
  }

  filters(): Record<string, string | undefined> {
    return Object.fromEntries(this.keys.map((k) => [k, this.host.route.params.get(k) ?? undefined]));
  }

  hostUpdate() {
    const key = qs(this.filters());
    if (key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load(false);
    }
  }

  async load(more: boolean) {
    this.loading = true;
    this.error = null;
    this.host.requestUpdate();
    try {
      const page = this.items(await call<P>('GET', `${this.path}${qs({ ...this.filters(), cursor: more ? (this.next ?? undefined) : undefined })}`));
      this.rows = more ? [...this.rows, ...page.items] : page.items;
      this.next = page.next;
    } catch (err) {
      this.error = { message: (err as Error).message, field: err instanceof ApiError ? ((err.details as { field?: string })?.field ?? undefined) : undefined };
      if (!more) this.rows = [];
    } finally {
      this.loading = false;
      this.host.requestUpdate();
    }
  }

  /** The filter form's submit: its fields become the route's query. */
  apply = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const values = Object.fromEntries(this.keys.map((k) => [k, String(data.get(k) ?? '').trim() || undefined]));
    this.host.go(`#/${this.path}${qs(values)}`);
  };

  /** `aria-invalid` for a filter field. */
  invalid(field: string): 'true' | 'false' {
    return this.error?.field === field ? 'true' : 'false';
  }
}
