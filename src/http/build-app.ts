import Fastify, { type FastifyInstance } from "fastify";
import { DecreeError } from "../errors/decree-error.ts";
import type { Store } from "../store/database.ts";
import { handleError, sendProblem } from "./problem.ts";
import { readRoutes } from "./routes/read-routes.ts";

export interface AppOptions {
  store: Store;
  now?: () => Date;
  /** pino options, or false for silence (tests). */
  logger?: boolean | object;
}

/** Builds the HTTP app without listening, so that tests drive it with `inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new DecreeError("NOT_FOUND", `Nothing at ${request.method} ${request.url}; GET / lists the routes.`),
      request.url,
    ),
  );
  await app.register(readRoutes, { store: options.store, now: options.now ?? (() => new Date()) });
  return app;
}
