import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DecreeError } from "../errors/decree-error.ts";
import { errorCatalogue } from "../errors/error-catalogue.ts";

/** RFC 9457 problem details; `code` is decree's stable error code, the one tests and scripts assert on. */
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

export function problemFor(error: DecreeError, instance?: string): Problem {
  return {
    type: `urn:decree:error:${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(error.details ?? {}),
  };
}

export function sendProblem(reply: FastifyReply, error: DecreeError, instance?: string): FastifyReply {
  return reply.code(error.status).type(problemContentType).send(problemFor(error, instance));
}

/** Every failure leaves as problem+json; unexpected ones are logged in full and said briefly. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof DecreeError) return sendProblem(reply, error, request.url);
  const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status < 500) {
    return sendProblem(reply, new DecreeError("REQUEST_INVALID", `${error.message}.`), request.url);
  }
  request.log.error({ err: error }, "request failed");
  return reply
    .code(500)
    .type(problemContentType)
    .send({
      ...problemFor(new DecreeError("INTERNAL", "The request failed on our side; it has been logged.")),
      title: errorCatalogue.INTERNAL.title,
    });
}
