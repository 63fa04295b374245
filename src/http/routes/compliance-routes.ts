import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor, type Principal } from "../../accounts/principal.ts";
import { serialRange } from "../../names/parse-decimal-integer.ts";
import { enforcerKinds } from "../../publish/enforcer-kind.ts";
import { may } from "../../review/permissions.ts";
import type { Store } from "../../store/database.ts";
import { acknowledgeRelease } from "../../verify/acknowledge-release.ts";
import { listAcknowledgments } from "../../verify/list-acknowledgments.ts";
import { listBreaches } from "../../verify/list-breaches.ts";
import { reportKinds, reportTarget } from "../../verify/report-target.ts";
import { integerSchema } from "../integer-schema.ts";
import { idParams, nextSchema, pageQuery } from "../workflow-schemas.ts";

export interface ComplianceRouteDeps {
  store: Store;
  now: () => Date;
}

const tags = ["compliance"];

const acknowledgmentSchema = z.object({
  id: z.number().int(),
  organisationId: z.number().int(),
  releaseId: z.number().int(),
  serial: z.number().int(),
  at: z.string(),
  timeToAckMs: z.number().int().describe("from the release's creation to this acknowledgment"),
});

const complianceQuery = z
  .object({
    ...pageQuery,
    organisation: integerSchema()
      .optional()
      .describe("authority, auditor, admin: one organisation's; others always see their own"),
  })
  .strict();

/**
 * Operators and search engines say what they applied (an acknowledgment of a serial) and what they could not
 * (a report on one target); everyone concerned reads compliance: an operator or search engine its own, an
 * authority, auditor or admin everyone's.
 */
export async function complianceRoutes(fastify: FastifyInstance, { store, now }: ComplianceRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/releases/:serial/ack",
    {
      config: { access: "releases:acknowledge" },
      schema: {
        tags,
        summary: 'Acknowledge a release: "applied serial N" (and so every release before it)',
        description:
          "201 for the first acknowledgment of the release by your organisation, 200 when repeated.",
        params: z.object({
          serial: integerSchema(serialRange),
        }),
        body: z.object({}).strict().nullish().describe("none needed"),
        response: {
          200: z.object({ acknowledgment: acknowledgmentSchema, repeated: z.boolean() }),
          201: z.object({ acknowledgment: acknowledgmentSchema, repeated: z.boolean() }),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const result = await acknowledgeRelease(store, request.params.serial, {
        organisationId: principal.organisationId,
        actor: actorFor(principal),
        now: now(),
      });
      return reply.code(result.repeated ? 200 : 201).send(result);
    },
  );

  app.post(
    "/targets/:id/report",
    {
      config: { access: "targets:report" },
      schema: {
        tags,
        summary: "Report a problem applying one entry: already blocked, cannot apply, believed wrong",
        params: idParams,
        body: z.object({ kind: z.enum(reportKinds), reason: z.string().max(4000) }).strict(),
        response: {
          201: z.object({
            id: z.number().int(),
            targetId: z.number().int(),
            kind: z.enum(reportKinds),
            reason: z.string(),
            at: z.string(),
            organisationId: z.number().int(),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const report = await reportTarget(store, request.params.id, request.body, {
        organisationId: principal.organisationId,
        actor: actorFor(principal),
        now: now(),
      });
      return reply.code(201).send(report);
    },
  );

  app.get(
    "/compliance/acks",
    {
      config: { access: "compliance:read" },
      schema: {
        tags,
        summary: "Acknowledgments with their time to acknowledge, and the latest release",
        querystring: complianceQuery,
        response: {
          200: z.object({
            latestRelease: z
              .object({
                serial: z.number().int().describe("the release number, as acknowledgments name it"),
                soaSerial: z
                  .number()
                  .int()
                  .describe("the zone's SOA serial, as secondaries see it (RFC 1982)"),
                createdAt: z.string(),
              })
              .nullable(),
            acknowledgments: z.array(
              acknowledgmentSchema.extend({
                organisationName: z.string(),
                enforcerKind: z.enum(enforcerKinds).nullable().describe("from the organisation's operator"),
                contradictions: z
                  .array(
                    z.object({
                      code: z.string().describe("ACK_SERIAL_NOT_APPLIED"),
                      resolver: z.string(),
                      observedSerial: z.number().int().nullable(),
                      observedAt: z.string(),
                    }),
                  )
                  .describe("resolvers whose canary showed an earlier serial after this acknowledgment"),
              }),
            ),
            byKind: z
              .record(z.string(), z.number().int())
              .describe("this page's acknowledgments counted by enforcer kind (none: no operator)"),
            next: nextSchema,
          }),
        },
      },
    },
    async (request) => {
      const { organisation, ...page } = request.query;
      return listAcknowledgments(store.db, {
        ...page,
        organisationId: visibleOrganisation(request.principal!, organisation),
      });
    },
  );

  app.get(
    "/compliance/breaches",
    {
      config: { access: "compliance:read" },
      schema: {
        tags,
        summary: "Addressees that did not acknowledge an order's release within its deadline",
        querystring: complianceQuery,
        response: {
          200: z.object({
            breaches: z.array(
              z.object({
                id: z.number().int(),
                orderId: z.number().int(),
                caseNumber: z.string(),
                deadline: z.string(),
                organisationId: z.number().int(),
                organisationName: z.string(),
                releaseId: z.number().int(),
                serial: z.number().int(),
                dueAt: z.string(),
                flaggedAt: z.string(),
              }),
            ),
            next: nextSchema,
          }),
        },
      },
    },
    async (request) => {
      const { organisation, ...page } = request.query;
      return listBreaches(store.db, {
        ...page,
        organisationId: visibleOrganisation(request.principal!, organisation),
      });
    },
  );
}

/**
 * An operator or search engine sees its own records whatever it asks for; the others see whom they ask for.
 */
function visibleOrganisation(principal: Principal, asked: number | undefined): number | undefined {
  return may(principal.role, "compliance:read-all") ? asked : principal.organisationId;
}
