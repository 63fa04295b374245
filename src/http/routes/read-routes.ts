import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { withFindings } from "../../checks/findings-of.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Order } from "../../intake/order.ts";
import { entryStates, type TargetState, targetStates } from "../../intake/target.ts";
import { normalizeTarget } from "../../names/normalize-target.ts";
import { targetKinds } from "../../names/target-kind.ts";
import { listOrders, showOrder } from "../../registry/list-orders.ts";
import { listTargets, maxTargetPage, type TargetFilter } from "../../registry/list-targets.ts";
import { registryStatus } from "../../registry/registry-status.ts";
import type { Store } from "../../store/database.ts";
import { declaredRoutes } from "../auth-plugin.ts";
import { integerSchema } from "../integer-schema.ts";
import { orderScopeOf } from "../order-scope.ts";
import { principalMay, requirePermission } from "../require-permission.ts";
import { orderSummarySchema, targetPageSchema } from "../workflow-schemas.ts";

export interface ReadRouteDeps {
  store: Store;
  now: () => Date;
  /** Whether the server runs the demo (`decree serve --demo`), so that the UI offers its shortcuts only then. */
  demo?: boolean | undefined;
}

const targetQuery = z
  .object({
    order: integerSchema().optional(),
    state: z.enum(targetStates).optional(),
    kind: z.enum(targetKinds).optional(),
    name: z.string().min(1).max(2048).optional().describe("any spelling: it is normalized as a target is"),
    after: integerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER })
      .optional()
      .describe("the `next.after` of the previous page"),
    limit: integerSchema({ min: 1, max: maxTargetPage }).optional(),
  })
  .strict();

const orderParams = z.object({ id: z.string().max(100).describe("the order's id") });
const open = { access: "public" } as const;
const tags = ["registry"];

/**
 * Read-only JSON of the registry: orders, targets, counts. What is blocked is public (docs/ARCHITECTURE.md: a public,
 * tamper-evident list, unlike Piracy Shield's secret one): entries, i.e. approved, active, suspended, lifted and
 * expired targets. Proposed and rejected targets are not: a proposal is not a decision, and naming a site that
 * was never blocked would harm it; they need registry:read-private.
 */
export async function readRoutes(fastify: FastifyInstance, { store, now, demo = false }: ReadRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  // The index is built from the routes themselves, so that it lists every route a later group adds.
  app.get("/", { config: open, schema: { tags, summary: "What this server offers" } }, async () => ({
    name: "decree",
    openapi: "/openapi.json",
    docs: "/docs",
    routes: declaredRoutes(fastify)
      .filter((route) => !route.hidden && route.method !== "HEAD")
      .map((route) => ({ method: route.method, path: route.url, access: route.access })),
  }));

  app.get(
    "/health",
    {
      config: open,
      schema: {
        tags,
        summary: "Liveness, the store's engine, and whether it runs the demo",
        response: {
          200: z
            .object({
              status: z.literal("ok"),
              store: z.enum(["sqlite", "postgres"]),
              at: z.string(),
              demo: z.boolean().describe("the demo's shortcuts are offered (decree serve --demo)"),
            })
            .meta({ id: "Health" }),
        },
      },
    },
    async () => ({
      status: "ok" as const,
      store: store.dialect,
      at: now().toISOString(),
      demo,
    }),
  );

  app.get(
    "/status",
    { config: open, schema: { tags, summary: "Counts of orders, targets and entries" } },
    async () => registryStatus(store, now()),
  );

  app.get(
    "/orders",
    {
      config: open,
      schema: {
        tags,
        summary: "Orders, their state and target counts (an applicant: its own organisation's only)",
        response: { 200: z.object({ orders: z.array(orderSummarySchema) }) },
      },
    },
    async (request) => {
      // An applicant acts on its organisation's orders alone (order-scope.ts): listing others would offer
      // orders every later step refuses. The public list of orders is GET /public/orders.
      const scope = request.principal ? orderScopeOf(request.principal) : null;
      const orders = (await listOrders(store.db, now())).filter(
        (order) =>
          maySeeOrder(request, order) &&
          (scope === null || order.ownerOrganisationId === scope.ownOrganisationId),
      );
      return { orders };
    },
  );

  app.get(
    "/orders/:id",
    {
      config: open,
      schema: { tags, summary: "One order", params: orderParams, response: { 200: orderSummarySchema } },
    },
    async (request) => visibleOrder(request, await showOrder(store.db, request.params.id, now())),
  );

  app.get(
    "/orders/:id/targets",
    {
      config: open,
      schema: {
        tags,
        summary:
          "An order's targets, by page (the public sees entries only; the submitting organisation sees all)",
        params: orderParams,
        querystring: targetQuery.omit({ order: true }),
        response: { 200: targetPageSchema },
      },
    },
    async (request, reply) => {
      const order = visibleOrder(request, await showOrder(store.db, request.params.id, now()));
      const { state, ...query } = request.query;
      // The organisation that submitted the order follows its proposals through review, refusals included.
      const own =
        order.ownerOrganisationId !== null && request.principal?.organisationId === order.ownerOrganisationId;
      const visible = own ? { state } : visibleStates(request, reply, state);
      return page(
        await withFindings(
          store.db,
          await listTargets(store.db, { ...query, ...visible, orderId: order.id }),
        ),
      );
    },
  );

  app.get(
    "/targets",
    {
      config: open,
      schema: {
        tags,
        summary: "Targets, by page (the public sees entries only)",
        querystring: targetQuery,
        response: { 200: targetPageSchema },
      },
    },
    async (request, reply) => {
      const { order, name, state, ...query } = request.query;
      const normalized = name === undefined ? undefined : normalizeTarget(name);
      const value = normalized === undefined ? undefined : normalized.ok ? normalized.value : name;
      const visible = visibleStates(request, reply, state);
      return page(
        await withFindings(
          store.db,
          await listTargets(store.db, { ...query, ...visible, orderId: order, value }),
        ),
      );
    },
  );
}

/**
 * An applicant's order is not public until an authority has confirmed it: until then only its own
 * organisation and those who may read the private registry see it. Others get the answer for a missing order.
 */
function maySeeOrder(
  request: FastifyRequest,
  order: Pick<Order, "confirmedAt" | "ownerOrganisationId">,
): boolean {
  if (order.confirmedAt !== null || order.ownerOrganisationId === null) return true;
  if (principalMay(request, "registry:read-private")) return true;
  return request.principal?.organisationId === order.ownerOrganisationId;
}

function visibleOrder<T extends Order>(request: FastifyRequest, order: T): T {
  if (maySeeOrder(request, order)) return order;
  throw new DecreeError("ORDER_NOT_FOUND", `There is no order ${order.id}. See GET /orders for the ids.`);
}

/** The state filter a reader gets: any state with registry:read-private, else entries only. */
function visibleStates(
  request: FastifyRequest,
  reply: FastifyReply,
  state: TargetState | undefined,
): Pick<TargetFilter, "state" | "states"> {
  if (principalMay(request, "registry:read-private")) return { state };
  if (state === undefined) return { states: entryStates };
  if (!(entryStates as readonly TargetState[]).includes(state)) {
    requirePermission(request, reply, "registry:read-private", `list ${state} targets`);
  }
  return { state };
}

function page<T extends { id: number }>(targets: T[]) {
  const last = targets.at(-1);
  return { targets, next: last ? { after: last.id } : null };
}
