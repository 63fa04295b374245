import type { MessageParams } from "../locale/format-message.ts";
import { type ErrorCode, errorCatalogue } from "./error-catalogue.ts";

/**
 * A refusal with a stable code; `message` says in English what was wrong and how to fix it, and `params` the
 * values it names (a name, a limit), from which the other languages' detail templates say the same
 * (localize-refusal.ts).
 */
export class DecreeError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly params: MessageParams | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, params?: MessageParams) {
    super(message);
    this.name = "DecreeError";
    this.code = code;
    this.details = details;
    this.params = params;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  get title(): string {
    return errorCatalogue[this.code].title;
  }
}

export function isDecreeError(error: unknown): error is DecreeError {
  return error instanceof DecreeError;
}
