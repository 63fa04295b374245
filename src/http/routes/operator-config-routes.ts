import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { parseAsNumber, parseRouterAddress } from "../../config/bgp-settings.ts";
import type { HostPort } from "../../config/host-port.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { type BirdSpeakerSide, birdRouterConfig } from "../../publish/bgp/bird-configs.ts";
import { findOperator } from "../../publish/operators.ts";
import { resolverConfig, resolverKinds } from "../../publish/resolver-config.ts";
import { registrySigningKey } from "../../publish/signing-key.ts";
import type { Store } from "../../store/database.ts";

export interface OperatorConfigRouteDeps {
  store: Store;
  /** The zone's apex name. */
  zone: string;
  /** Where decree's DNS primary listens (known once it does); undefined: not serving DNS in this process. */
  dnsPrimary: () => HostPort | undefined;
  publicUrl?: string | undefined;
  /** The stop page's addresses and name, for operators whose action is stop-page. */
  stopPage?: { ipv4?: string | undefined; ipv6?: string | undefined } | undefined;
  stopPageName?: string | undefined;
  /** The canary's name, printed in every configuration (publish/canary-record.ts). */
  canaryName?: string | undefined;
  /** decree's BGP daemon as routers reach it (config bgp*); undefined: this instance prints no router side. */
  bgpSpeaker?: BirdSpeakerSide | undefined;
}

const routerQuery = z
  .object({
    for: z.enum(["bird"]),
    as: z.string().max(10).describe("your router's AS number"),
    routerId: z.string().max(45).optional().describe("your router id, for a configuration that has none"),
    address: z.string().max(60).optional().describe("your router's own address[:port] for the session"),
  })
  .strict();

/**
 * The operator's dashboard asks how to connect its resolver: the same ready-to-paste text as
 * `decree operators config NAME --for KIND`, for the operator registered under the caller's organisation name.
 */
export async function operatorConfigRoutes(fastify: FastifyInstance, deps: OperatorConfigRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/operators/own/config",
    {
      config: { access: "operators:read-own-config" },
      schema: {
        tags: ["feeds"],
        summary:
          "Your resolver's configuration as an RPZ consumer of decree (Unbound, BIND, PowerDNS, Knot Resolver), " +
          "or of a secondary feeding it (NSD, Knot DNS)",
        querystring: z.object({ for: z.enum(resolverKinds) }).strict(),
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const primary = deps.dnsPrimary();
      if (!primary) {
        throw new DecreeError(
          "NOT_FOUND",
          "This instance serves no DNS primary; ask the registry's operators.",
        );
      }
      const operator = await findOperator(deps.store.db, principal.organisationName);
      const httpBase = deps.publicUrl ?? `${request.protocol}://${request.host}`;
      // Bound to every address: name the address this request came in on (an address, as BIND's primaries
      // needs), where the operator's side reached this server.
      const local = request.socket.localAddress?.replace(/^::ffff:/, "");
      const host = (primary.host === "0.0.0.0" || primary.host === "::") && local ? local : primary.host;
      const text = resolverConfig(request.query.for, operator, {
        zone: deps.zone,
        host,
        port: primary.port,
        httpBase,
        source: host === primary.host ? "where this server listens" : "the address your request reached",
        portalUrl: httpBase,
        stopPage: deps.stopPage,
        stopPageName: deps.stopPageName,
        canaryName: deps.canaryName,
        feedKey: (await registrySigningKey(deps.store.db)).publicKey,
      });
      return reply.type("text/plain; charset=utf-8").send(text);
    },
  );
  app.get(
    "/operators/own/router-config",
    {
      config: { access: "operators:read-own-config" },
      schema: {
        tags: ["feeds"],
        summary: "Your router's side of decree's BGP route feed (BIRD 2): blackhole routes with 65535:666",
        querystring: routerQuery,
      },
    },
    async (request, reply) => {
      if (!deps.bgpSpeaker) {
        throw new DecreeError(
          "NOT_FOUND",
          "This instance announces no routes; ask the registry's operators.",
        );
      }
      const operator = await findOperator(deps.store.db, request.principal!.organisationName);
      const text = birdRouterConfig(operator.name, deps.bgpSpeaker, {
        as: parseAsNumber(request.query.as, "as"),
        routerId: request.query.routerId,
        local: parseRouterAddress(request.query.address),
      });
      return reply.type("text/plain; charset=utf-8").send(text);
    },
  );
}
