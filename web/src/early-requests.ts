import { api } from "./api.ts";

interface Early {
  promise: Promise<unknown>;
  /** Set once the answer is in, so that a first render can draw it without waiting for an effect. */
  answer?: { value: unknown };
}

const early = new Map<string, Early>();

/**
 * Starts a GET the page's first screen will need, as the script starts rather than after React's first render,
 * the page's code and the session check: the session, the review queue's first page and the desk's code then
 * travel side by side instead of one after the other.
 */
export function requestEarly(path: string): void {
  const entry: Early = { promise: api(path) };
  // A refusal is the caller's to see (it asks again); until one takes it, it must not read as unhandled.
  entry.promise.then(
    (value) => {
      entry.answer = { value };
    },
    () => {},
  );
  early.set(path, entry);
}

/** The early request for this path, once: whoever asks next asks the server. */
export function takeEarly<T>(path: string): Promise<T> | undefined {
  const entry = early.get(path);
  early.delete(path);
  return entry?.promise as Promise<T> | undefined;
}

/** The early answer for this path if it is already in (once), else nothing and the request stays to take. */
export function takeEarlyAnswer<T>(path: string): T | undefined {
  const entry = early.get(path);
  if (!entry?.answer) return undefined;
  early.delete(path);
  return entry.answer.value as T;
}

/** Drops what was asked before a sign-in or sign-out: it answered for someone else. */
export function forgetEarly(): void {
  early.clear();
}
