import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { durationParts, formatDuration as format, isoDuration } from "../web/src/duration.ts";

/** Intl joins a number and its unit with a no-break space, as French typography wants; compared as a space. */
const formatDuration = (text: string, locale: string) => format(text, locale).replace(/[\u00a0\u202f]/g, " ");

describe("durations in the web UI", () => {
  it("says an order's ISO 8601 durations in words, in French and in English", () => {
    assert.equal(formatDuration("P15D", "fr-FR"), "15 jours");
    assert.equal(formatDuration("P12M", "fr-FR"), "12 mois");
    assert.equal(formatDuration("P1Y", "fr-FR"), "1 an");
    assert.equal(formatDuration("P15D", "en-GB"), "15 days");
    assert.equal(formatDuration("P12M", "en-GB"), "12 months");
    assert.equal(formatDuration("P1D", "en-GB"), "1 day");
    assert.equal(formatDuration("PT30M", "en-GB"), "30 minutes");
    assert.equal(formatDuration("P1DT12H", "fr-FR"), "1 jour et 12 heures");
  });

  it("says the words the API also takes, and shows anything else as it was written", () => {
    assert.equal(formatDuration("15 days", "fr-FR"), "15 jours");
    assert.equal(formatDuration("2 weeks", "en-GB"), "2 weeks");
    assert.equal(formatDuration("soon", "fr-FR"), "soon");
    assert.equal(formatDuration("P", "fr-FR"), "P");
    assert.equal(formatDuration("PT", "fr-FR"), "PT");
    assert.equal(durationParts("P1X"), null);
  });

  it("writes a number and a unit from the form as the ISO 8601 duration the API takes, and reads it back", () => {
    assert.equal(isoDuration({ amount: 15, unit: "day" }), "P15D");
    assert.equal(isoDuration({ amount: 12, unit: "month" }), "P12M");
    assert.equal(isoDuration({ amount: 2, unit: "week" }), "P2W");
    assert.equal(isoDuration({ amount: 1, unit: "year" }), "P1Y");
    assert.equal(isoDuration({ amount: 6, unit: "hour" }), "PT6H");
    for (const part of [
      { amount: 15, unit: "day" },
      { amount: 30, unit: "minute" },
    ] as const) {
      assert.deepEqual(durationParts(isoDuration(part)), [part]);
    }
  });
});
