import { type ErrorCode, errorCatalogue } from "./error-catalogue.ts";

/** A refusal with a stable code; `message` says what was wrong and how to fix it. */
export class DecreeError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DecreeError";
    this.code = code;
    this.details = details;
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
