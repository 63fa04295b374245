import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor } from "../../accounts/principal.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { serialRange } from "../../names/parse-decimal-integer.ts";
import { decideRollout } from "../../publish/rollout/decide-rollout.ts";
import { findRollout, openRollout } from "../../publish/rollout/open-rollout.ts";
import type { Store } from "../../store/database.ts";
import { rolloutControls } from "../../verify/rollout/rollout-controls.ts";
import { integerSchema } from "../integer-schema.ts";
import { measurementSchema } from "../measurement-schema.ts";

export interface RolloutRouteDeps {
  store: Store;
  now: () => Date;
  onRegistryChange?: (() => void) | undefined;
}

const tags = ["releases"];

const rolloutSchema = z.object({
  id: z.number().int(),
  releaseId: z.number().int(),
  serial: z.number().int(),
  soaSerial: z.number().int(),
  baseReleaseId: z.number().int(),
  state: z.enum(["staged", "halted"]),
  startedAt: z.string(),
  haltedAt: z.string().nullable(),
  halt: z
    .object({
      overBlocked: z.array(
        z.object({ operator: z.string(), resolver: z.string(), name: z.string(), answer: z.string() }),
      ),
    })
    .nullable(),
  targetIds: z.array(z.number().int()),
});

const controlsSchema = z
  .object({
    runs: z.number().int().describe("looks that asked the control names at the canaries"),
    lastRunId: z.number().int().nullable(),
    lastRunAt: z.string().nullable(),
    measurements: z
      .array(measurementSchema)
      .describe("the last look's answers: what a halt or a promotion rests on"),
  })
  .meta({ id: "RolloutControls" });

const anyRolloutSchema = rolloutSchema
  .extend({
    state: z.enum(["staged", "halted", "promoted", "withdrawn", "superseded"]),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: "Rollout" });

/** The staged rollout as the authority's desk shows it, and `decree releases proceed|withdraw` over HTTP. */
export async function rolloutRoutes(
  fastify: FastifyInstance,
  { store, now, onRegistryChange }: RolloutRouteDeps,
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/releases/rollout",
    {
      config: { access: "registry:read-private" },
      schema: {
        tags,
        summary: "The staged release, if any: served to canary operators only, and why it halted",
        response: {
          200: z.object({ rollout: rolloutSchema.nullable(), controls: controlsSchema.nullable() }),
        },
      },
    },
    async () => {
      const rollout = await openRollout(store.db);
      return {
        rollout: rollout ?? null,
        controls: rollout ? await rolloutControls(store.db, rollout) : null,
      };
    },
  );

  app.get(
    "/releases/:serial/rollout",
    {
      config: { access: "registry:read-private" },
      schema: {
        tags,
        summary: "A staged release's rollout, open or ended, with the control-name answers it rested on",
        params: z.object({ serial: integerSchema(serialRange) }).strict(),
        response: {
          200: z
            .object({ rollout: anyRolloutSchema, controls: controlsSchema })
            .meta({ id: "RolloutOfRelease" }),
        },
      },
    },
    async (request) => {
      const rollout = await findRollout(store.db, request.params.serial);
      if (!rollout) throw rolloutNotFound(request.params.serial);
      return { rollout, controls: await rolloutControls(store.db, rollout) };
    },
  );

  for (const decision of ["proceed", "withdraw"] as const) {
    app.post(
      `/releases/:serial/${decision}`,
      {
        config: { access: "releases:decide" },
        schema: {
          tags,
          summary:
            decision === "proceed"
              ? "Release the staged release to every operator, halted or not"
              : "Suspend the staged release's entries: the next release, higher, goes to all without them",
          params: z.object({ serial: integerSchema(serialRange) }).strict(),
          body: z.object({ reason: z.string().min(1).max(2000) }).strict(),
          response: { 200: z.object({ rollout: rolloutSchema, decision: z.enum(["proceed", "withdraw"]) }) },
        },
      },
      async (request) => {
        const rollout = await decideRollout(store, {
          decision,
          serial: request.params.serial,
          reason: request.body.reason,
          actor: actorFor(request.principal!),
          now: now(),
        });
        onRegistryChange?.();
        return { rollout, decision };
      },
    );
  }
}

function rolloutNotFound(serial: number): DecreeError {
  return new DecreeError(
    "NOT_FOUND",
    `No rollout staged release ${serial}: give the serial of a staged release (decree releases rollout shows the open one).`,
  );
}
