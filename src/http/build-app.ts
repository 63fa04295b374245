/*
 * How to write a route. Each group is a plugin in routes/<name>-routes.ts, registered below with one line.
 * Every route declares `config.access` ("public" or a permission of src/review/permissions.ts), else the app
 * refuses to start; the auth plugin enforces it before the handler runs (401 AUTH_REQUIRED, 403 FORBIDDEN) and
 * sets `request.principal` (undefined for the public). Schemas are zod, the one source of truth for validation,
 * types and /openapi.json:
 *
 *   import type { FastifyInstance } from "fastify";
 *   import type { ZodTypeProvider } from "fastify-type-provider-zod";
 *   import { z } from "zod";
 *   import { actorFor } from "../../accounts/principal.ts";
 *
 *   export async function thingRoutes(fastify: FastifyInstance, { store, now }: ThingRouteDeps) {
 *     const app = fastify.withTypeProvider<ZodTypeProvider>();
 *     app.post(
 *       "/orders/:id/things",
 *       {
 *         config: { access: "targets:submit" },          // a public route that needs a limit adds
 *                                                        // rateLimit: { max: 10, timeWindow: "1 minute" }
 *         schema: {
 *           tags: ["workflow"],
 *           summary: "Add things to an order",
 *           params: z.object({ id: z.coerce.number().int().positive() }),
 *           body: z.object({ names: z.array(z.string().max(2048)).min(1).max(10_000) }).strict(),
 *           response: { 201: thingSchema },              // optional; a response that does not fit is a 500
 *         },
 *       },
 *       async (request, reply) => {
 *         const principal = request.principal!;          // set: the route is not public
 *         // Ownership is the handler's job: another organisation's order answers 404 (never 403, which the
 *         // access matrix reserves for roles, and which would confirm the order exists).
 *         const thing = await addThings(store.db, request.params.id, request.body, {
 *           actor: actorFor(principal), now: now(),
 *         });
 *         return reply.code(201).send(thing);
 *       },
 *     );
 *   }
 *
 * Invalid params, query or body answer 400 REQUEST_INVALID (problem+json) before the handler runs. Tests:
 * `tokenFor(store, "applicant")` (test/support/accounts.ts) gives a token for `authorization: Bearer …`;
 * src/http/access-matrix.test.ts calls every route with every role by itself.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { CheckSettings } from "../checks/check-data.ts";
import type { HostPort } from "../config/host-port.ts";
import type { HttpServerLimits } from "../config/http-server-limits.ts";
import { DecreeError } from "../errors/decree-error.ts";
import type { BirdSpeakerSide } from "../publish/bgp/bird-configs.ts";
import type { NextHops } from "../publish/bgp/blackhole-route.ts";
import { FeedCache } from "../publish/feeds/feed-cache.ts";
import { defaultRpzPolicy, type RpzPolicy } from "../publish/rpz-policy.ts";
import { parseWitnessKeys } from "../registry/log/witness-keys.ts";
import type { AddressEvidence } from "../registry/order-collateral.ts";
import type { Store } from "../store/database.ts";
import type { SiteSettings } from "../verify/mirrors/site-settings.ts";
import { type ProbeSettings, probeSettingsOf } from "../verify/probes/probe-settings.ts";
import { authPlugin } from "./auth-plugin.ts";
import { feedFastPath } from "./feed-fast-path.ts";
import { applyHttpServerLimits } from "./http-server-limits.ts";
import { localizePayloads } from "./localize-payload.ts";
import { countAnswer, observeRequests } from "./observe-requests.ts";
import { docsRoutes, registerOpenApi } from "./openapi.ts";
import { handleError, sendProblem } from "./problem.ts";
import type { RateLimitOptions } from "./rate-limits.ts";
import { refuseUnstorableText } from "./refuse-unstorable-text.ts";
import { accountRoutes } from "./routes/account-routes.ts";
import { appealRoutes } from "./routes/appeal-routes.ts";
import { authRoutes } from "./routes/auth-routes.ts";
import { collateralRoutes } from "./routes/collateral-routes.ts";
import { complianceRoutes } from "./routes/compliance-routes.ts";
import { delistingRoutes } from "./routes/delisting-routes.ts";
import { exclusiveUseRoutes } from "./routes/exclusive-use-routes.ts";
import { feedRoutes } from "./routes/feed-routes.ts";
import { logRoutes } from "./routes/log-routes.ts";
import { metricsRoutes } from "./routes/metrics-routes.ts";
import { mirrorRoutes } from "./routes/mirror-routes.ts";
import { operatorConfigRoutes } from "./routes/operator-config-routes.ts";
import { operatorRoutes } from "./routes/operator-routes.ts";
import { orderIntakeRoutes } from "./routes/order-intake-routes.ts";
import { probeRoutes } from "./routes/probe-routes.ts";
import { publicStatisticsRoutes } from "./routes/public-statistics-routes.ts";
import { publicViewRoutes } from "./routes/public-view-routes.ts";
import { readRoutes } from "./routes/read-routes.ts";
import { reviewRoutes } from "./routes/review-routes.ts";
import { rolloutRoutes } from "./routes/rollout-routes.ts";
import { scorecardRoutes } from "./routes/scorecard-routes.ts";
import { testListRoutes } from "./routes/test-list-routes.ts";
import { tokenRoutes } from "./routes/token-routes.ts";
import { webUiRoutes } from "./routes/web-ui-routes.ts";
import { webhookRoutes } from "./routes/webhook-routes.ts";
import { windowRoutes } from "./routes/window-routes.ts";
import { securityHeaders } from "./security-headers.ts";
import type { SecureCookies } from "./session-cookie.ts";
import { tokenPolls } from "./token-polls.ts";

export interface AppOptions {
  store: Store;
  now?: () => Date;
  /** pino options, or false for silence (tests). */
  logger?: boolean | object;
  /** Where rendered feeds are kept (`<dataDir>/feeds/`); by default a folder of this app's own in /tmp. */
  dataDir?: string;
  /** The zone's policy; feeds use its apex name. */
  policy?: RpzPolicy;
  /** The next hops of the route feeds (config bgpNextHopIpv4/Ipv6); by default the conventional discard ones. */
  bgpNextHops?: NextHops | undefined;
  /** decree's BGP daemon as routers reach it, for operators' router configuration; unset: none is printed. */
  bgpSpeaker?: BirdSpeakerSide | undefined;
  /**
   * Who operates an address and which sites share it (the ASN dataset, the co-hosting index), for the public
   * collateral of orders; without it, the collateral draws on the registry's own DNS snapshots only.
   */
  addressEvidence?: AddressEvidence | undefined;
  /** The session cookie's Secure attribute: "auto" (default) sets it when the request came over TLS. */
  secureCookies?: SecureCookies;
  /** Trust X-Forwarded-For/-Proto from a reverse proxy (client addresses for rate limits, TLS for cookies). */
  trustProxy?: boolean;
  rateLimits?: RateLimitOptions;
  /** How long an approval can be cancelled before it takes effect (`approvalCancelWindowMs`); 0: none. */
  approvalCancelWindowMs?: number;
  /** Accept webhook URLs on loopback and private addresses (`webhookAllowPrivate`); refused by default. */
  webhookAllowPrivate?: boolean;
  /** Called when a request changed the registry (an approval, a suspension…): main.ts pokes the releases. */
  onRegistryChange?: () => void;
  /** News of each release this process commits (main.ts: its release scheduler), so feeds need not ask. */
  releases?: ReleaseNews;
  /** The registry's public base URL without a trailing slash (config `publicUrl`), for links it hands out. */
  publicUrl?: string | undefined;
  /** Files extending the safeguards' lists (config `protectedNamesFile`, `exemptionsFile`). */
  checkSettings?: CheckSettings;
  /** How agents' measurements are judged; by default the stop page of `policy` and the checks' resolver. */
  probes?: ProbeSettings;
  /** Witnesses whose cosignatures of checkpoints are accepted: C2SP verifier keys (config `logWitnesses`). */
  logWitnesses?: string[];
  /** How mirror evidence is collected (config mirrorResolver, mirrorAllowPrivate); none: the mirror routes refuse. */
  mirrorSettings?: SiteSettings | undefined;
  /** Where the DNS primary listens once it does, for the operators' configuration (main.ts). */
  dnsPrimary?: () => HostPort | undefined;
  /** A name resolving to the stop page (config `stopPageName`), for CNAME-only resolver overrides. */
  stopPageName?: string | undefined;
  /** The server runs the demo (config demo): GET /health says so, and the UI offers the demo's shortcuts. */
  demo?: boolean;
  /** Where the built web UI is (web/dist by default). */
  webRoot?: string;
  /** The bearer token GET /metrics asks of a scraper (config metricsToken); unset: /metrics is not served here. */
  metricsToken?: string | undefined;
  /** Body limit, timeouts and connection cap of the server (config, docs/dns-limits.md); Node's own if unset. */
  httpLimits?: HttpServerLimits;
}

/** What the process that builds releases says when one is committed (main.ts wires its release scheduler). */
export interface ReleaseNews {
  on(event: "release", listener: () => void): unknown;
  /**
   * Every release of the store is told here: this process alone serves it (SQLite, whose data folder one
   * process holds), so the feeds need never ask the store which release is current. Otherwise (PostgreSQL,
   * where other instances build releases too) they ask at most every `feedVersionMaxAgeMs`.
   */
  readonly everyRelease: boolean;
}

/**
 * Without news of every release, the feeds read the current release from the store at most this often (ms):
 * an operator's poll does not ask the store each time, and a release built by another instance is seen this
 * much later at most, as the release scheduler's own poll sees other processes' changes.
 */
const feedVersionMaxAgeMs = 5;

/** Builds the HTTP app without listening, so that tests drive it with `inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  let fastPath: ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined;
  let router: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const app = Fastify({
    // Fastify's own server, with one thing first: hot feed polls answered from memory (feed-fast-path.ts).
    serverFactory: (handler, options) => {
      // Fastify's options with its defaults applied, which it would give the server it makes itself.
      const settings = options as Record<
        "keepAliveTimeout" | "requestTimeout" | "connectionTimeout" | "maxRequestsPerSocket",
        number
      >;
      router = handler;
      const server = createServer((request, response) => {
        if (!fastPath?.(request, response)) handler(request, response);
      });
      server.keepAliveTimeout = settings.keepAliveTimeout;
      server.requestTimeout = settings.requestTimeout;
      server.setTimeout(settings.connectionTimeout);
      if (settings.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = settings.maxRequestsPerSocket;
      return server;
    },
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    // Said rather than inherited: every body is refused past 1 MiB (413) unless its route allows more.
    bodyLimit: options.httpLimits?.bodyLimit ?? 1_048_576,
    // The router's own refusals (a malformed %-escape, a path parameter past 100 characters) as problem+json.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
    // Each request is logged once, at debug, with its route pattern and status (observe-requests.ts).
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (options.httpLimits) applyHttpServerLimits(app.server, options.httpLimits);
  const now = options.now ?? (() => new Date());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  refuseUnstorableText(app);
  observeRequests(app);
  securityHeaders(app);
  localizePayloads(app);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new DecreeError("NOT_FOUND", `Nothing at ${request.method} ${request.url}; GET / lists the routes.`),
      request.url,
    ),
  );
  // Before any route: the document and the access check both see every route as it is added.
  await registerOpenApi(app);
  await app.register(authPlugin, { store: options.store, now, rateLimits: options.rateLimits });
  await app.register(docsRoutes);
  const secureCookies = options.secureCookies ?? "auto";
  await app.register(authRoutes, {
    store: options.store,
    now,
    secureCookies,
    rateLimits: options.rateLimits,
  });
  await app.register(accountRoutes, { store: options.store, now });
  await app.register(operatorRoutes, { store: options.store, now });
  await app.register(rolloutRoutes, {
    store: options.store,
    now,
    onRegistryChange: options.onRegistryChange,
  });
  await app.register(tokenRoutes, { store: options.store, now });
  await app.register(readRoutes, { store: options.store, now, demo: options.demo ?? false });
  await app.register(publicStatisticsRoutes, { store: options.store });
  await app.register(scorecardRoutes, { store: options.store });
  const workflow = { store: options.store, now };
  await app.register(orderIntakeRoutes, { ...workflow, checkSettings: options.checkSettings ?? {} });
  await app.register(reviewRoutes, {
    ...workflow,
    approvalCancelWindowMs: options.approvalCancelWindowMs ?? 0,
    onRegistryChange: options.onRegistryChange ?? (() => {}),
  });
  await app.register(complianceRoutes, workflow);
  await app.register(probeRoutes, {
    ...workflow,
    probes:
      options.probes ??
      probeSettingsOf((options.policy ?? defaultRpzPolicy).stopPage, options.checkSettings?.checkResolver),
  });
  await app.register(webhookRoutes, {
    ...workflow,
    allowPrivateDestinations: options.webhookAllowPrivate ?? false,
  });
  const dataDir = options.dataDir ?? join(tmpdir(), `decree-feeds-${randomUUID()}`);
  const zone = (options.policy ?? defaultRpzPolicy).zone;
  const feeds = new FeedCache({
    db: options.store.db,
    dataDir,
    zone,
    nextHops: options.bgpNextHops,
    ...(options.releases
      ? { versionMaxAgeMs: options.releases.everyRelease ? Number.POSITIVE_INFINITY : feedVersionMaxAgeMs }
      : {}),
  });
  options.releases?.on("release", () => feeds.released());
  await app.register(feedRoutes, { store: options.store, feeds, zone });
  await app.register(testListRoutes, { store: options.store, feeds, publicUrl: options.publicUrl });
  fastPath = feedFastPath(
    feeds,
    (status, startedNs) =>
      countAnswer("GET", "/feeds/:format", status, Number(process.hrtime.bigint() - startedNs) / 1e9),
    tokenPolls(app, options.store.db, now),
    (request, response) => router?.(request, response),
  );
  await app.register(delistingRoutes, { store: options.store, dataDir, publicUrl: options.publicUrl });
  await app.register(appealRoutes, {
    ...workflow,
    publicUrl: options.publicUrl,
    onRegistryChange: options.onRegistryChange,
  });
  await app.register(logRoutes, { ...workflow, witnesses: parseWitnessKeys(options.logWitnesses ?? []) });
  await app.register(publicViewRoutes, workflow);
  await app.register(windowRoutes, { ...workflow, onRegistryChange: options.onRegistryChange });
  await app.register(collateralRoutes, { store: options.store, addressEvidence: options.addressEvidence });
  await app.register(exclusiveUseRoutes, workflow);
  await app.register(mirrorRoutes, {
    ...workflow,
    mirrorSettings: options.mirrorSettings,
    checkSettings: options.checkSettings ?? {},
  });
  await app.register(operatorConfigRoutes, {
    store: options.store,
    zone: (options.policy ?? defaultRpzPolicy).zone,
    dnsPrimary: options.dnsPrimary ?? (() => undefined),
    publicUrl: options.publicUrl,
    stopPage: (options.policy ?? defaultRpzPolicy).stopPage,
    stopPageName: options.stopPageName,
    canaryName: (options.policy ?? defaultRpzPolicy).canaryName,
    bgpSpeaker: options.bgpSpeaker,
  });
  await app.register(metricsRoutes, { token: options.metricsToken });
  await app.register(webUiRoutes, { webRoot: options.webRoot });
  return app;
}
