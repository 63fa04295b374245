import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor } from "../../accounts/principal.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { addWindows } from "../../intake/add-windows.ts";
import { findOrderAs } from "../../intake/find-order-as.ts";
import { calendarInputSchema, windowInputSchema } from "../../intake/order-input.ts";
import { windowRequests } from "../../intake/window-requests.ts";
import { withdrawWindow } from "../../intake/withdraw-window.ts";
import { listWindows, publicWindow } from "../../registry/list-windows.ts";
import { showPublicOrder } from "../../registry/public-orders.ts";
import type { Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { integerSchema } from "../integer-schema.ts";
import { orderScopeOf } from "../order-scope.ts";
import { idParams, windowSchema } from "../workflow-schemas.ts";

export interface WindowRouteDeps {
  store: Store;
  now: () => Date;
  onRegistryChange?: () => void;
}

const tags = ["workflow"];

/**
 * Blocking windows of an order: an authority, or the rights holder on its own orders, adds intervals or a
 * calendar of events; while an order has windows its entries are served only during them. The public reads
 * them with the order (GET /public/orders/:id, and its windows alone here).
 */
export async function windowRoutes(
  fastify: FastifyInstance,
  { store, now, onRegistryChange }: WindowRouteDeps,
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/orders/:id/windows",
    {
      config: { access: "windows:manage" },
      schema: {
        tags,
        summary: "An order's blocking windows, withdrawn ones included",
        params: idParams,
        response: { 200: z.object({ orderId: z.number().int(), windows: z.array(windowSchema) }) },
      },
    },
    async (request) => {
      const order = await findOrderAs(store.db, request.params.id, orderScopeOf(request.principal!));
      const windows = await listWindows(store.db, [order.id], { withdrawn: true });
      return { orderId: order.id, windows: windows.map(publicWindow) };
    },
  );

  app.post(
    "/orders/:id/windows",
    {
      config: { access: "windows:manage" },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags,
        summary: "Add blocking windows to an order or one of its targets, all or none",
        description:
          "Intervals ({from, until, label}) and/or the events of an iCalendar file (RFC 5545) with margins. " +
          "Refused with nothing stored: WINDOW_INVERTED, WINDOW_OVERLAP, WINDOW_OUTSIDE_VALIDITY, ICAL_INVALID.",
        params: idParams,
        body: z
          .object({
            windows: z.array(windowInputSchema).max(2000).optional(),
            calendar: calendarInputSchema.optional(),
            targetId: z
              .number()
              .int()
              .positive()
              .optional()
              .describe("the target these windows restrict; absent: the order"),
            reason: z.string().max(4000).optional(),
          })
          .strict(),
        response: { 201: z.object({ orderId: z.number().int(), windows: z.array(windowSchema) }) },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const body = request.body;
      if (!body.windows?.length && !body.calendar) {
        throw new DecreeError(
          "REQUEST_INVALID",
          "Give windows ([{from, until}]) or a calendar ({ics}), or both.",
        );
      }
      const at = now();
      const windows = await inTransaction(store.db, async (trx) => {
        const order = await findOrderAs(trx, request.params.id, orderScopeOf(principal));
        const requests = windowRequests(body, { until: new Date(order.validUntil), source: "the calendar" });
        return addWindows(trx, order, requests, {
          actor: actorFor(principal),
          now: at,
          ...(body.targetId === undefined ? {} : { targetId: body.targetId }),
          ...(body.reason ? { reason: body.reason } : {}),
        });
      });
      onRegistryChange?.();
      return reply.code(201).send({ orderId: request.params.id, windows: windows.map(publicWindow) });
    },
  );

  app.post(
    "/orders/:id/windows/:windowId/withdraw",
    {
      config: { access: "windows:manage" },
      schema: {
        tags,
        summary: "Withdraw a blocking window (kept, as withdrawn, in the store and the log)",
        params: z.object({ id: integerSchema(), windowId: integerSchema() }),
        body: z
          .object({ reason: z.string().max(4000).optional() })
          .strict()
          .nullish(),
        response: { 200: windowSchema },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const window = await inTransaction(store.db, async (trx) => {
        const order = await findOrderAs(trx, request.params.id, orderScopeOf(principal));
        return withdrawWindow(trx, order, request.params.windowId, {
          actor: actorFor(principal),
          now: now(),
          ...(request.body?.reason ? { reason: request.body.reason } : {}),
        });
      });
      onRegistryChange?.();
      return publicWindow(window);
    },
  );

  app.get(
    "/public/orders/:id/windows",
    {
      config: { access: "public" },
      schema: {
        tags: ["public"],
        summary: "When a public order's entries are blocked: its windows (none: at all times)",
        params: z.object({ id: integerSchema() }),
        response: { 200: z.object({ orderId: z.number().int(), windows: z.array(windowSchema) }) },
      },
    },
    async (request) => {
      const order = await showPublicOrder(store.db, request.params.id, now());
      return { orderId: order.id, windows: order.windows };
    },
  );
}
