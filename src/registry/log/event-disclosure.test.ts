import assert from "node:assert/strict";
import { test } from "node:test";
import { disclosureOf, readableNow } from "./event-disclosure.ts";

const confirmed = { confirmedAt: "2026-06-01T12:00:00.000Z", ownerOrganisationId: 3 };
const awaiting = { confirmedAt: null, ownerOrganisationId: 3 };
const authoritys = { confirmedAt: "2026-06-01T12:00:00.000Z", ownerOrganisationId: null };

test("an applicant's order is readable in the log only once confirmed, an authority's at once", () => {
  assert.equal(readableNow("order", "order.recorded", { order: awaiting }), false);
  assert.equal(readableNow("order", "order.recorded", { order: confirmed }), true);
  assert.equal(readableNow("order", "order.recorded", { order: authoritys }), true);
  assert.equal(readableNow("order", "order.recorded", {}), false, "an order not found is not public");
});

test("a target's events are readable once it is an entry under a public order, its proposal included", () => {
  assert.equal(
    readableNow("target", "target.proposed", { targetState: "proposed", order: confirmed }),
    false,
  );
  assert.equal(
    readableNow("target", "target.rejected", { targetState: "rejected", order: confirmed }),
    false,
  );
  assert.equal(readableNow("target", "target.proposed", { targetState: "active", order: confirmed }), true);
  assert.equal(readableNow("target", "target.proposed", { targetState: "lifted", order: confirmed }), true);
  assert.equal(readableNow("target", "target.proposed", { targetState: "active", order: awaiting }), false);
});

test("appeals, operators' reports, acknowledgments and missed deadlines are never revealed", () => {
  for (const [type, action] of [
    ["appeal", "appeal.filed"],
    ["appeal", "appeal.decided"],
    ["target", "target.reported"],
    ["release", "release.acknowledged"],
    ["order", "order.deadline-missed"],
  ] as const) {
    assert.equal(disclosureOf(type, action), "never", action);
    assert.equal(readableNow(type, action, { targetState: "active", order: confirmed }), false, action);
  }
  assert.equal(readableNow("release", "release.published", {}), true);
});
