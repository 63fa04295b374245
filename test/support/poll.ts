/**
 * Calls `check` every `intervalMs` until it returns something other than undefined, and returns that; fails
 * after `timeoutMs` with `what` and the last value seen by `describe`, so a failing test says what it waited for.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; lastSeen?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 5;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      const seen = options.lastSeen ? `; last seen: ${options.lastSeen()}` : "";
      const error = lastError ? `; last error: ${(lastError as Error).message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}${error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
