import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Store } from "../../store/database.ts";
import { operatorScorecards } from "../../verify/scorecards/operator-scorecards.ts";
import { orderScorecards } from "../../verify/scorecards/order-scorecards.ts";
import { operatorScorecardsCsv, orderScorecardsCsv } from "../../verify/scorecards/scorecard-csv.ts";
import { integerSchema } from "../integer-schema.ts";
import { operatorScorecardSchema, orderScorecardSchema } from "../scorecard-schemas.ts";

export interface ScorecardRouteDeps {
  store: Store;
}

const open = { access: "public" } as const;
const tags = ["public"];
/** RFC 4180 §3 registers `header` for text/csv: the first line names the columns. */
const csvType = "text/csv; charset=utf-8; header=present";
const csvNote = "Also as CSV (RFC 4180): the same URL ending in `.csv`, or `Accept: text/csv`.";

/**
 * Whether the request prefers CSV: `Accept` (RFC 9110 §12.5.1) giving text/csv a higher weight than JSON.
 * Without Accept, or with a tie, JSON.
 */
function wantsCsv(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (!accept) return false;
  const weights = new Map<string, number>();
  for (const part of accept.split(",")) {
    const [range = "", ...parameters] = part.trim().toLowerCase().split(";");
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith("q="));
    weights.set(range.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const of = (type: string) =>
    weights.get(type) ?? weights.get(`${type.split("/")[0]}/*`) ?? weights.get("*/*") ?? 0;
  return of("text/csv") > of("application/json");
}

function sendCsv(reply: FastifyReply, name: string, body: string) {
  return reply
    .type(csvType)
    .header("content-disposition", `attachment; filename="${name}.csv"`)
    .header("vary", "Accept")
    .send(body);
}

/**
 * Public scorecards: per operator and per order, how much of what must be blocked is, how fast, what is blocked
 * that must not be, how far behind, and how often the probes contradict the list, with a day-by-day history.
 * What probes measure is public (as OONI's measurements are), and so is what it adds up to.
 */
export async function scorecardRoutes(fastify: FastifyInstance, { store }: ScorecardRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const operatorsAnswer = z.object({ operators: z.array(operatorScorecardSchema) });
  const ordersAnswer = z.object({ orders: z.array(orderScorecardSchema) });

  for (const csv of [false, true]) {
    const suffix = csv ? ".csv" : "";
    const as = csv ? " (CSV)" : "";
    const description = csv ? "RFC 4180, with a header line; an unmeasured figure is empty." : csvNote;

    app.get(
      `/scorecards/operators${suffix}`,
      {
        config: open,
        schema: {
          tags,
          summary: `Every operator's scorecard${as}`,
          description,
          ...(csv ? {} : { response: { 200: operatorsAnswer } }),
        },
      },
      async (request, reply) => {
        const cards = await operatorScorecards(store.db);
        if (csv || wantsCsv(request)) return sendCsv(reply, "operators", operatorScorecardsCsv(cards));
        return reply.header("vary", "Accept").send({ operators: cards });
      },
    );

    app.get(
      `/scorecards/operators/:name${suffix}`,
      {
        config: open,
        schema: {
          tags,
          summary: `One operator's scorecard${as}`,
          description,
          params: z.object({ name: z.string().min(1).max(63) }),
          ...(csv ? {} : { response: { 200: operatorScorecardSchema } }),
        },
      },
      async (request, reply) => {
        const cards = await operatorScorecards(store.db, request.params.name);
        if (csv || wantsCsv(request)) return sendCsv(reply, "operator", operatorScorecardsCsv(cards));
        return reply.header("vary", "Accept").send(cards[0]!);
      },
    );

    app.get(
      `/scorecards/orders${suffix}`,
      {
        config: open,
        schema: {
          tags,
          summary: `Every published order's scorecard, per operator${as}`,
          description,
          ...(csv ? {} : { response: { 200: ordersAnswer } }),
        },
      },
      async (request, reply) => {
        const cards = await orderScorecards(store.db);
        if (csv || wantsCsv(request)) return sendCsv(reply, "orders", orderScorecardsCsv(cards));
        return reply.header("vary", "Accept").send({ orders: cards });
      },
    );

    app.get(
      `/scorecards/orders/:id${suffix}`,
      {
        config: open,
        schema: {
          tags,
          summary: `One order's scorecard, per operator${as}`,
          description,
          params: z.object({ id: integerSchema() }),
          ...(csv ? {} : { response: { 200: orderScorecardSchema } }),
        },
      },
      async (request, reply) => {
        const cards = await orderScorecards(store.db, request.params.id);
        if (csv || wantsCsv(request))
          return sendCsv(reply, `order-${request.params.id}`, orderScorecardsCsv(cards));
        return reply.header("vary", "Accept").send(cards[0]!);
      },
    );
  }
}
