import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { DecreeError } from "../../errors/decree-error.ts";
import { defaultAccess } from "../auth-plugin.ts";
import { defaultWebRoot } from "../default-web-root.ts";
import { pickEncoding, storedSuffix } from "../pick-encoding.ts";
import { sendProblem } from "../problem.ts";
import { webUiPolicy } from "../security-headers.ts";

export interface WebUiDeps {
  /** Where `npm run build:web` puts the UI (web/dist): index.html and assets/. */
  webRoot?: string;
}

/** Paths that belong to the UI alone (the browser's router draws them); nothing of the API lives under them. */
const uiPaths = ["/portal", "/portal/*", "/login", "/desk", "/desk/*"];

/**
 * Paths the API answers in JSON and a browser opening them wants as a page: the portal at `/` (and `/?q=NAME`,
 * a search that can be linked), and an order, which the stop page links to (`Link: rel="blocked-by"`). They are
 * told apart by `Accept` (RFC 9110 §12.5.1): a browser navigating asks for text/html first, scripts do not.
 */
const negotiatedPaths = [/^\/$/, /^\/orders\/\d+$/];

/**
 * Serves the web UI built by Vite: hashed assets under /assets/ (cached for a year: their names change with
 * their content), and the one HTML page for the UI's paths. Without a build, those paths say how to make one.
 * Both are sent brotli- or gzip-compressed when the browser accepts it, from the copies `npm run build:web` writes
 * beside each file, so that no proxy is needed for the UI to load at its compressed size.
 */
export const webUiRoutes = fp(
  async (app: FastifyInstance, { webRoot = defaultWebRoot }: WebUiDeps) => {
    const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
      // Read at each request (a kilobyte), so that a rebuild while serving is picked up at once.
      const path = join(webRoot, "index.html");
      const indexHtml = await readFile(path).catch(() => undefined);
      if (indexHtml === undefined) {
        return sendProblem(
          reply,
          new DecreeError(
            "WEB_UI_NOT_BUILT",
            `The web UI is not built in ${webRoot}: run \`npm run build:web\` (npm start does it).`,
          ),
          request.url,
        );
      }
      const encoding = pickEncoding(request.headers["accept-encoding"]);
      const compressed =
        encoding === undefined
          ? undefined
          : await readFile(path + storedSuffix[encoding]).catch(() => undefined);
      const body = compressed ?? indexHtml;
      // One tag per coding (RFC 9110 §8.8.3): the bytes differ, so must the validators a cache keeps.
      const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
      reply.header("vary", "Accept-Encoding").header("etag", etag);
      if (compressed !== undefined && encoding !== undefined) reply.header("content-encoding", encoding);
      if (request.headers["if-none-match"]?.split(/\s*,\s*/).includes(etag)) {
        return reply.code(304).header("cache-control", "no-cache").send();
      }
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-cache")
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", webUiPolicy)
        .header("referrer-policy", "same-origin")
        .send(body);
    };

    await app.register(async (scope) => {
      scope.decorate(defaultAccess, "public");
      await scope.register(fastifyStatic, {
        root: join(webRoot, "assets"),
        prefix: "/assets/",
        immutable: true,
        maxAge: "365d",
        decorateReply: false,
        // NAME.br and NAME.gz beside each file; @fastify/static picks one by Accept-Encoding but does not say
        // that the answer depends on it, which a shared cache must know (RFC 9110 §12.5.5).
        preCompressed: true,
        setHeaders: (response) => response.setHeader("vary", "Accept-Encoding"),
        // The folder appears with the first build; the service may start before it.
        allowedPath: () => true,
      });
    });

    for (const url of uiPaths) {
      app.get(url, { config: { access: "public" }, schema: { hide: true } }, sendIndex);
    }

    app.addHook("onRequest", async (request, reply) => {
      if (request.method !== "GET" || !prefersHtml(request)) return;
      const path = request.url.split("?", 1)[0] ?? "";
      if (negotiatedPaths.some((pattern) => pattern.test(path))) await sendIndex(request, reply);
    });
  },
  { name: "web-ui" },
);

function prefersHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? "";
  return accept.includes("text/html") && !accept.startsWith("application/json");
}
