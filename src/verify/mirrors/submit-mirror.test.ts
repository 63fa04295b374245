import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { freePort } from "../../../test/support/free-port.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { mirrorCandidate } from "./list-mirror-candidates.ts";
import { siteSettings } from "./site-settings.ts";
import { submitMirror } from "./submit-mirror.ts";

const hasCode = (code: string) => (error: unknown) => error instanceof DecreeError && error.code === code;

describeEachEngine("reporting a suspected mirror", (store) => {
  it("refuses a mirror of an order that blocks no site yet, fetching nothing", async () => {
    const { order } = await recordOrder(store(), sampleOrder({ extendsToMirrors: true }), {
      actor: "test",
      now: duringOrder,
    });
    // A resolver nobody listens on: the refusal comes before any evidence is collected.
    const settings = siteSettings({ host: "127.0.0.1", port: await freePort() }, { timeoutMs: 200 });
    await assert.rejects(
      submitMirror(store(), order, "allostreaming-copy.net", settings, {
        actor: "test",
        now: () => duringOrder,
      }),
      hasCode("MIRROR_NO_ORIGINAL"),
    );
  });

  it("answers a candidate id that was never weighed with MIRROR_CANDIDATE_NOT_FOUND", async () => {
    await assert.rejects(mirrorCandidate(store().db, 999_999), hasCode("MIRROR_CANDIDATE_NOT_FOUND"));
  });
});
