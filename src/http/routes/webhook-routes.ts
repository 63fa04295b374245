import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor, type Principal } from "../../accounts/principal.ts";
import { locales } from "../../locale/locale.ts";
import { disableWebhook } from "../../publish/webhooks/disable-webhook.ts";
import { listWebhooks } from "../../publish/webhooks/list-webhooks.ts";
import { registerWebhook } from "../../publish/webhooks/register-webhook.ts";
import type { Store } from "../../store/database.ts";
import { idParams } from "../workflow-schemas.ts";

export interface WebhookRouteDeps {
  store: Store;
  now: () => Date;
  /** Accept receivers on loopback and private addresses (see publish/webhook-destination.ts). */
  allowPrivateDestinations?: boolean;
}

const tags = ["webhooks"];

/**
 * An organisation's webhooks: each new release is POSTed to them, signed with HMAC-SHA256 over the timestamp
 * and the body (src/publish/webhooks/webhook-signature.ts says how to verify), and retried with exponential backoff.
 */
export async function webhookRoutes(
  fastify: FastifyInstance,
  { store, now, allowPrivateDestinations }: WebhookRouteDeps,
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const context = (principal: Principal) => ({
    organisationId: principal.organisationId,
    actor: actorFor(principal),
    now: now(),
  });

  app.post(
    "/webhooks",
    {
      config: { access: "webhooks:manage" },
      schema: {
        tags,
        summary: "Register an endpoint that receives every new release (its secret is shown once)",
        description:
          "Each request carries Decree-Timestamp (Unix seconds), Decree-Delivery (an id) and Decree-Signature: " +
          "sha256=<hex HMAC-SHA256 of `<timestamp>.<body>` keyed with the secret>. Reject timestamps more than " +
          "5 minutes off. Answer 2xx; anything else is retried with exponential backoff.",
        body: z
          .object({
            url: z.string().max(2048),
            language: z
              .enum(locales)
              .optional()
              .describe(
                "the language of each delivery's `summary` (default en); the other fields never change",
              ),
          })
          .strict(),
        response: {
          201: z.object({
            id: z.number().int(),
            url: z.string(),
            secret: z.string().describe("the HMAC key: keep it now, it is never shown again"),
            createdAt: z.string(),
            fromSerial: z.number().int().nullable().describe("releases after this serial are delivered"),
            language: z.enum(locales),
          }),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await registerWebhook(store, request.body.url, context(request.principal!), {
          allowPrivateDestinations,
          language: request.body.language,
        }),
      ),
  );

  app.get(
    "/webhooks",
    {
      config: { access: "webhooks:manage" },
      schema: {
        tags,
        summary: "Your organisation's webhooks and how their deliveries stand",
        response: {
          200: z.object({
            webhooks: z.array(
              z.object({
                id: z.number().int(),
                url: z.string(),
                createdAt: z.string(),
                language: z.enum(locales),
                deliveries: z.record(z.string(), z.number().int()),
                lastDelivery: z
                  .object({
                    serial: z.number().int(),
                    status: z.string(),
                    attempts: z.number().int(),
                    deliveredAt: z.string().nullable(),
                    nextAttemptAt: z.string().nullable(),
                    lastError: z.string().nullable(),
                  })
                  .nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ webhooks: await listWebhooks(store.db, request.principal!.organisationId) }),
  );

  app.delete(
    "/webhooks/:id",
    {
      config: { access: "webhooks:manage" },
      schema: {
        tags,
        summary: "Delete a webhook: nothing more is sent to it",
        params: idParams,
        response: { 200: z.object({ id: z.number().int(), disabledAt: z.string() }) },
      },
    },
    async (request) => disableWebhook(store, request.params.id, context(request.principal!)),
  );
}
