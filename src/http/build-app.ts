import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { DecreeError } from "../errors/decree-error.ts";
import { defaultRpzPolicy, type RpzPolicy } from "../publish/rpz-policy.ts";
import type { Store } from "../store/database.ts";
import { handleError, sendProblem } from "./problem.ts";
import { feedRoutes } from "./routes/feed-routes.ts";
import { readRoutes } from "./routes/read-routes.ts";

export interface AppOptions {
  store: Store;
  now?: () => Date;
  /** pino options, or false for silence (tests). */
  logger?: boolean | object;
  /** Where rendered feeds are kept (`<dataDir>/feeds/`); by default a folder of this app's own in /tmp. */
  dataDir?: string;
  /** The zone's policy; feeds use its apex name. */
  policy?: RpzPolicy;
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
  await app.register(feedRoutes, {
    store: options.store,
    dataDir: options.dataDir ?? join(tmpdir(), `decree-feeds-${randomUUID()}`),
    zone: (options.policy ?? defaultRpzPolicy).zone,
  });
  return app;
}
