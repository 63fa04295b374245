import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DecreeError } from "../errors/decree-error.ts";
import { localizedMessage, localizeRefusal, type Refusal } from "../errors/localize-refusal.ts";
import type { Locale } from "../locale/locale.ts";
import { numberInvalidMarker } from "./integer-schema.ts";
import { requestLocale, sayLanguage } from "./request-locale.ts";

/**
 * RFC 9457 problem details; `code` is decree's stable error code, the one tests and scripts assert on. `title`
 * and `detail` are in the language Accept-Language chose (English without it); in another language,
 * `englishDetail` keeps the English message of the throw site, the one logs and bug reports quote.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problemContentType = "application/problem+json";

export function problemFor(error: DecreeError, instance?: string, locale: Locale = "en"): Problem {
  const { title, detail } = localizeRefusal(error, locale);
  return {
    type: `urn:decree:error:${error.code}`,
    title,
    status: error.status,
    detail,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(locale === "en" ? {} : { englishDetail: error.message }),
    ...localizedDetails(error.details, locale),
  };
}

/** The refused lines of an import (`rejected`) say their message in the problem's language too. */
function localizedDetails(details: Record<string, unknown> | undefined, locale: Locale) {
  if (!details || locale === "en" || !Array.isArray(details.rejected)) return details ?? {};
  return {
    ...details,
    rejected: (details.rejected as Refusal[]).map((line) => ({
      ...line,
      message: localizedMessage(line, locale),
    })),
  };
}

export function sendProblem(reply: FastifyReply, error: DecreeError, instance?: string): FastifyReply {
  const locale = requestLocale(reply.request);
  return sayLanguage(reply.code(error.status), locale)
    .type(problemContentType)
    .send(problemFor(error, instance, locale));
}

/**
 * The refusal a failure stands for: a DecreeError as it is, a framework refusal (4xx) as its code; undefined
 * for an unexpected failure (a 5xx).
 */
export function refusalOf(error: FastifyError | Error): DecreeError | undefined {
  if (error instanceof DecreeError) return error;
  const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : 500;
  return status < 500 ? frameworkRefusal(status, error) : undefined;
}

/** Every failure leaves as problem+json; unexpected ones are logged in full and said briefly. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const refusal = refusalOf(error);
  if (refusal) return sendProblem(reply, refusal, request.url);
  request.log.error({ err: error }, "request failed");
  return sendProblem(
    reply,
    new DecreeError("INTERNAL", "The request failed on our side; it has been logged."),
  );
}

/**
 * Fastify's own refusals, kept at their status: 413 Content Too Large (RFC 9110 §15.5.14) past the body limit,
 * 415 Unsupported Media Type (§15.5.16) for a body type the route does not parse, 414 URI Too Long (§15.5.15)
 * for a path parameter past the router's limit; anything else is a 400.
 */
function frameworkRefusal(status: number, error: FastifyError | Error): DecreeError {
  const text = `${error.message.replace(/\.$/, "")}.`;
  const validation = "validation" in error ? error.validation : undefined;
  if (status === 400 && validation?.some((issue) => issue.message?.startsWith(numberInvalidMarker))) {
    return new DecreeError(
      "NUMBER_INVALID",
      `${text.replaceAll(numberInvalidMarker, "").replace(/ {2,}/g, " ")} Ids, serials and limits are plain decimal digits.`,
    );
  }
  if (status === 413)
    return new DecreeError("REQUEST_TOO_LARGE", `${text} Send at most 1 MiB (documents: see the route).`);
  if (status === 415) return new DecreeError("REQUEST_MEDIA_TYPE", `${text} Send application/json.`);
  if (status === 414) return new DecreeError("REQUEST_URI_TOO_LONG", `${text} Ids are short numbers.`);
  return new DecreeError("REQUEST_INVALID", text);
}
