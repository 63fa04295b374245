import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DecreeError } from "../errors/decree-error.ts";
import { addDuration, durationSeconds, parseDuration } from "./duration.ts";

describe("durations in orders", () => {
  it("reads ISO 8601 durations and the words people write", () => {
    assert.equal(durationSeconds(parseDuration("P15D", "deadline")), 15 * 86400);
    assert.equal(durationSeconds(parseDuration("PT30M", "deadline")), 1800);
    assert.equal(durationSeconds(parseDuration("30 minutes", "deadline")), 1800);
    assert.equal(durationSeconds(parseDuration("15 days", "deadline")), 15 * 86400);
    assert.equal(durationSeconds(parseDuration("P2W", "deadline")), 14 * 86400);
    assert.equal(durationSeconds(parseDuration("P1DT12H", "deadline")), 36 * 3600);
  });

  it("adds months on the calendar, so 12 months after 13 Dec 2013 is 13 Dec 2014", () => {
    const end = addDuration(new Date("2013-12-13T00:00:00Z"), parseDuration("P12M", "validity.duration"));
    assert.equal(end.toISOString(), "2014-12-13T00:00:00.000Z");
  });

  for (const bad of ["", "P", "PT", "15", "fortnight", "P0D", "-P1D", "0 days"]) {
    it(`refuses "${bad}" with ORDER_INVALID and names the field`, () => {
      assert.throws(
        () => parseDuration(bad, "deadline"),
        (error: unknown) =>
          error instanceof DecreeError && error.code === "ORDER_INVALID" && /deadline/.test(error.message),
      );
    });
  }
});
