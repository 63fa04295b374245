import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { publicStatistics } from "../../registry/public-statistics.ts";
import type { Store } from "../../store/database.ts";

export interface PublicStatisticsRouteDeps {
  store: Store;
}

const statisticsSchema = z
  .object({
    entriesByDay: z.array(z.object({ day: z.string(), count: z.number().int() })),
    entriesByOrder: z.array(
      z.object({
        orderId: z.number().int(),
        caseNumber: z.string(),
        authority: z.string(),
        measures: z.array(z.string()),
        byState: z.record(z.string(), z.number().int()),
      }),
    ),
    appealsByState: z.record(z.string(), z.number().int()),
  })
  .meta({ id: "Statistics" });

/** The public portal's charts: entries over time, by order and state, appeals by outcome. Public, like entries. */
export async function publicStatisticsRoutes(fastify: FastifyInstance, { store }: PublicStatisticsRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/public/statistics",
    {
      config: { access: "public" },
      schema: {
        tags: ["public"],
        summary: "Entries by day, by order and state, and appeals by outcome, for the portal's charts",
        response: { 200: statisticsSchema },
      },
    },
    async () => publicStatistics(store.db),
  );
}
