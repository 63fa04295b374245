import { type ErrorCode, errorCatalogue } from "./error-catalogue.ts";
import type { ErrorText } from "./error-text.ts";

/** The French title and remedy of every error code. */
export const errorTextsFr: Record<ErrorCode, ErrorText> = Object.fromEntries(
  Object.entries(errorCatalogue).map(([code, { title, remedy }]) => [code, { title, remedy }]),
) as Record<ErrorCode, ErrorText>;
