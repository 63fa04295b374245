/** A refusal from the API (RFC 9457 problem+json): its stable code says what was wrong, its detail how to fix it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: unknown,
  ) {
    super(detail || code);
  }
}

/** A route another part of decree has not shipped yet: the page says "not available yet" rather than failing. */
export function isNotAvailable(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.status === 404 || error.status === 501) && error.code === "NOT_FOUND"
  );
}

let language = "fr";

/**
 * The language the UI speaks, sent as Accept-Language so that the registry's refusals and findings come back
 * in it (title, detail and messages; the code stays the same).
 */
export function setApiLanguage(next: string): void {
  language = next;
}

const csrfCookie = "decree_csrf";

function csrfToken(): string | undefined {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith(`${csrfCookie}=`));
  return cookie ? decodeURIComponent(cookie.slice(csrfCookie.length + 1)) : undefined;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A raw body (a document upload) sent as is with this content type. */
  raw?: { data: Blob | ArrayBuffer; type: string };
  signal?: AbortSignal;
}

/**
 * Calls the API with the session cookie; on anything but GET/HEAD, the CSRF token the login set is sent back in
 * X-CSRF-Token (double submit), as the auth plugin requires of browser sessions.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? (options.body !== undefined || options.raw ? "POST" : "GET");
  const headers: Record<string, string> = { accept: "application/json", "accept-language": language };
  if (method !== "GET" && method !== "HEAD") {
    const token = csrfToken();
    if (token) headers["x-csrf-token"] = token;
  }
  let body: BodyInit | undefined;
  if (options.raw) {
    headers["content-type"] = options.raw.type;
    body = options.raw.data;
  } else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, {
    method,
    headers,
    body: body ?? null,
    credentials: "same-origin",
    signal: options.signal ?? null,
  });
  const type = response.headers.get("content-type") ?? "";
  const parsed: unknown = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const problem = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
    throw new ApiError(
      response.status,
      String(problem.code ?? "HTTP_ERROR"),
      String(problem.detail ?? problem.title ?? (typeof parsed === "string" ? parsed : response.statusText)),
      parsed,
    );
  }
  return parsed as T;
}

export const apiText = (path: string) => api<string>(path, { method: "GET" });
