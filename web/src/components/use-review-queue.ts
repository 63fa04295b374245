import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api.ts";
import { takeEarly, takeEarlyAnswer } from "../early-requests.ts";
import type { QueuedTarget, ReviewQueuePage, WorstSeverity } from "../types.ts";
import type { FindingCode, TargetKind } from "../vocabulary.ts";

/** The review desk's filter, as GET /review/queue takes it; the selection "all matching" is this filter. */
export interface ReviewFilter {
  order?: number | undefined;
  kind?: TargetKind | undefined;
  codes?: FindingCode[] | undefined;
  severities?: WorstSeverity[] | undefined;
}

/** The filter as a query string, in a fixed order: also the key the desk waits on when a filter changes. */
export function filterQuery(filter: ReviewFilter): string {
  const parts: string[] = [];
  if (filter.order !== undefined) parts.push(`order=${filter.order}`);
  if (filter.kind) parts.push(`kind=${filter.kind}`);
  if (filter.codes?.length) parts.push(`code=${filter.codes.join(",")}`);
  if (filter.severities?.length) parts.push(`severity=${filter.severities.join(",")}`);
  return parts.join("&");
}

/** The filter as a decision's body takes it (POST /targets/decisions, `filter`). */
export function filterBody(filter: ReviewFilter) {
  return {
    ...(filter.order !== undefined ? { order: filter.order } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.codes?.length ? { codes: filter.codes } : {}),
    ...(filter.severities?.length ? { severities: filter.severities } : {}),
  };
}

/** The first page fills the screen and a little more; the next ones come as the table scrolls. */
const firstPageSize = 50;
const pageSize = 200;

/** GET /review/queue for a filter's query string: its first page (`after` null), or the page after a target. */
export function queuePageUrl(query: string, after: number | null): string {
  const size = after === null ? firstPageSize : pageSize;
  return `/review/queue?${query}${query ? "&" : ""}limit=${size}${after === null ? "" : `&after=${after}`}`;
}

export interface QueuePages {
  /** The query string these rows answer; changes with the filter, once the first page is in. */
  key: string | null;
  targets: QueuedTarget[];
  /** More pages wait on the server. */
  more: boolean;
  error: unknown;
  /** Ask for the next page (at most one request at a time). */
  loadMore: () => void;
  reload: () => void;
}

/**
 * The queue's rows for a filter, a keyset page at a time, as the table scrolls towards their end: 100,000
 * targets are never loaded at once, only as far as someone scrolls.
 */
export function useReviewQueue(filter: ReviewFilter): QueuePages {
  const query = filterQuery(filter);
  // The first page may be in already, asked as the page loaded: then the first render draws its rows.
  const [first] = useState(() => takeEarlyAnswer<ReviewQueuePage>(queuePageUrl(query, null)));
  const [state, setState] = useState<{
    key: string | null;
    targets: QueuedTarget[];
    more: boolean;
    error: unknown;
  }>(() =>
    first
      ? { key: query, targets: first.targets, more: first.targets.length === firstPageSize, error: null }
      : { key: null, targets: [], more: true, error: null },
  );
  const [round, setRound] = useState(0);
  const loading = useRef<AbortController | null>(null);
  const cursor = useRef<{ query: string; after: number | null; more: boolean }>({
    query,
    after: first?.next?.after ?? null,
    more: first ? first.targets.length === firstPageSize : true,
  });
  const drawnFirst = useRef(first !== undefined);

  const fetchPage = useCallback((pageQuery: string, after: number | null, replace: boolean) => {
    loading.current?.abort();
    const controller = new AbortController();
    loading.current = controller;
    const size = after === null ? firstPageSize : pageSize;
    const url = queuePageUrl(pageQuery, after);
    // Asked as the page loaded, perhaps before the sign-in: refused, it is asked again.
    const early = after === null ? takeEarly<ReviewQueuePage>(url) : undefined;
    const request = early
      ? early.catch(() => api<ReviewQueuePage>(url, { signal: controller.signal }))
      : api<ReviewQueuePage>(url, { signal: controller.signal });
    request.then(
      (page) => {
        if (controller.signal.aborted) return;
        loading.current = null;
        const more = page.targets.length === size;
        cursor.current = {
          query: pageQuery,
          after: page.next?.after ?? after,
          more,
        };
        setState((previous) => ({
          key: pageQuery,
          targets: replace ? page.targets : [...previous.targets, ...page.targets],
          more,
          error: null,
        }));
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        loading.current = null;
        setState((previous) => ({ ...previous, key: pageQuery, more: false, error }));
      },
    );
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter, or a reload, starts from the first page
  useEffect(() => {
    if (drawnFirst.current) {
      drawnFirst.current = false;
      return;
    }
    cursor.current = { query, after: null, more: true };
    fetchPage(query, null, true);
    return () => loading.current?.abort();
  }, [query, round, fetchPage]);

  const loadMore = useCallback(() => {
    const { query: current, after, more } = cursor.current;
    if (loading.current || !more || after === null) return;
    fetchPage(current, after, false);
  }, [fetchPage]);

  return { ...state, loadMore, reload: () => setRound((value) => value + 1) };
}
