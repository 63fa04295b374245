import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { targetStates } from "../../intake/target.ts";
import { normalizeTarget } from "../../names/normalize-target.ts";
import { targetKinds } from "../../names/target-kind.ts";
import { listOrders, showOrder } from "../../registry/list-orders.ts";
import { listTargets, maxTargetPage } from "../../registry/list-targets.ts";
import { registryStatus } from "../../registry/registry-status.ts";
import type { Store } from "../../store/database.ts";
import { parseQuery } from "../parse-query.ts";

export interface ReadRouteDeps {
  store: Store;
  now: () => Date;
}

const targetQuery = z
  .object({
    order: z.coerce.number().int().positive().optional(),
    state: z.enum(targetStates).optional(),
    kind: z.enum(targetKinds).optional(),
    name: z.string().min(1).optional(),
    after: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(maxTargetPage).optional(),
  })
  .strict();

/** Read-only JSON of the registry: orders, targets, counts. Later issues add the writing routes. */
export async function readRoutes(app: FastifyInstance, { store, now }: ReadRouteDeps) {
  app.get("/", async () => ({
    name: "decree",
    routes: [
      "/health",
      "/status",
      "/orders",
      "/orders/{id}",
      "/orders/{id}/targets",
      "/targets?name=&state=&order=",
      "/feeds",
      "/feeds/{format}?since=",
      "/keys",
    ],
  }));

  app.get("/health", async () => ({ status: "ok", store: store.dialect, at: now().toISOString() }));

  app.get("/status", async () => registryStatus(store, now()));

  app.get("/orders", async () => ({ orders: await listOrders(store.db, now()) }));

  app.get<{ Params: { id: string } }>("/orders/:id", async (request) =>
    showOrder(store.db, request.params.id, now()),
  );

  app.get<{ Params: { id: string } }>("/orders/:id/targets", async (request) => {
    const order = await showOrder(store.db, request.params.id, now());
    const query = parseQuery(targetQuery.omit({ order: true }), request.query);
    return page(await listTargets(store.db, { ...query, orderId: order.id }));
  });

  app.get("/targets", async (request) => {
    const { order, name, ...query } = parseQuery(targetQuery, request.query);
    const normalized = name === undefined ? undefined : normalizeTarget(name);
    const value = normalized === undefined ? undefined : normalized.ok ? normalized.value : name;
    return page(await listTargets(store.db, { ...query, orderId: order, value }));
  });
}

function page<T extends { id: number }>(targets: T[]) {
  const last = targets.at(-1);
  return { targets, next: last ? { after: last.id } : null };
}
