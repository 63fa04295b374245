import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchCalendar } from "../../test/support/match-calendar.ts";
import { isDecreeError } from "../errors/decree-error.ts";
import { parseIcalWindows } from "./parse-ical-windows.ts";
import { parseWindowMargin } from "./window-margin.ts";

const until = new Date("2027-01-01T00:00:00Z");
const options = { marginBeforeSeconds: 15 * 60, marginAfterSeconds: 30 * 60, until, source: "matches.ics" };

const threeMatches = matchCalendar([
  {
    uid: "m1@liga",
    summary: "Real Madrid – Barcelona",
    start: new Date("2026-06-06T19:00:00Z"),
    minutes: 105,
  },
  { uid: "m2@liga", summary: "Sevilla – Betis", start: new Date("2026-06-07T17:00:00Z"), minutes: 105 },
  { uid: "m3@liga", summary: "Valencia – Villarreal", start: new Date("2026-06-07T19:30:00Z"), minutes: 105 },
]);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isDecreeError(error)) return error.code;
    throw error;
  }
  assert.fail("expected a refusal");
}

describe("blocking windows from an iCalendar file", () => {
  it("gives three windows, margins included, for a calendar of three matches", () => {
    const windows = parseIcalWindows(threeMatches, options);
    assert.equal(windows.length, 3);
    assert.deepEqual(
      windows.map((w) => [w.startsAt, w.endsAt, w.label, w.calendarUid]),
      [
        ["2026-06-06T18:45:00.000Z", "2026-06-06T21:15:00.000Z", "Real Madrid – Barcelona", "m1@liga"],
        ["2026-06-07T16:45:00.000Z", "2026-06-07T19:15:00.000Z", "Sevilla – Betis", "m2@liga"],
        ["2026-06-07T19:15:00.000Z", "2026-06-07T21:45:00.000Z", "Valencia – Villarreal", "m3@liga"],
      ],
    );
    assert.equal(windows[0]!.eventStartsAt, "2026-06-06T19:00:00.000Z");
    assert.equal(windows[0]!.source, "icalendar");
  });

  it("reads a local time in a named time zone, defined in the file or not", () => {
    const madrid = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//t//t//EN",
      "BEGIN:VEVENT",
      "UID:z@liga",
      "DTSTART;TZID=Europe/Madrid:20260602T210000",
      "DURATION:PT2H",
      "SUMMARY:Atlético – Getafe",
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ].join("\r\n");
    const [window] = parseIcalWindows(madrid, { ...options, marginBeforeSeconds: 0, marginAfterSeconds: 0 });
    // Madrid is two hours ahead of UTC in June (CEST).
    assert.equal(window?.startsAt, "2026-06-02T19:00:00.000Z");
    assert.equal(window?.endsAt, "2026-06-02T21:00:00.000Z");
    const defined = madrid.replace(
      "BEGIN:VEVENT",
      [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Madrid",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
      ].join("\r\n"),
    );
    const [fromFile] = parseIcalWindows(defined, {
      ...options,
      marginBeforeSeconds: 0,
      marginAfterSeconds: 0,
    });
    assert.equal(fromFile?.startsAt, "2026-06-02T19:00:00.000Z");
    assert.equal(fromFile?.endsAt, "2026-06-02T21:00:00.000Z");
  });

  it("gives one window per occurrence of a repeating event, up to the order's end", () => {
    const weekly = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//t//t//EN",
      "BEGIN:VEVENT",
      "UID:weekly@liga",
      "DTSTART:20261201T200000Z",
      "DTEND:20261201T220000Z",
      "RRULE:FREQ=WEEKLY",
      "SUMMARY:Weekly match",
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ].join("\r\n");
    const windows = parseIcalWindows(weekly, options);
    assert.equal(windows.length, 5);
    assert.equal(new Set(windows.map((w) => w.calendarUid)).size, 5);
  });

  it("refuses a malformed file, a file without events and floating times with ICAL_INVALID", () => {
    assert.equal(
      refusal(() => parseIcalWindows("not a calendar", options)),
      "ICAL_INVALID",
    );
    assert.equal(
      refusal(() =>
        parseIcalWindows("BEGIN:VCALENDAR\r\nthis line has no colon\r\nEND:VCALENDAR\r\n", options),
      ),
      "ICAL_INVALID",
    );
    assert.equal(
      refusal(() => parseIcalWindows("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", options)),
      "ICAL_INVALID",
    );
    const floating = threeMatches.replace("DTSTART:20260606T190000Z", "DTSTART:20260606T190000");
    assert.equal(
      refusal(() => parseIcalWindows(floating, options)),
      "ICAL_INVALID",
    );
    const unknownZone = threeMatches.replace(
      "DTSTART:20260606T190000Z",
      "DTSTART;TZID=Mars/Olympus:20260606T190000",
    );
    assert.equal(
      refusal(() => parseIcalWindows(unknownZone, options)),
      "ICAL_INVALID",
    );
  });

  it("reads margins as 15m, 2h, 90s or ISO 8601, and refuses anything else with WINDOW_MARGIN_INVALID", () => {
    assert.equal(parseWindowMargin("15m", "m"), 900);
    assert.equal(parseWindowMargin("2h", "m"), 7200);
    assert.equal(parseWindowMargin("90s", "m"), 90);
    assert.equal(parseWindowMargin("PT30M", "m"), 1800);
    assert.equal(parseWindowMargin("0m", "m"), 0);
    assert.equal(
      refusal(() => parseWindowMargin("soon", "m")),
      "WINDOW_MARGIN_INVALID",
    );
    assert.equal(
      refusal(() => parseWindowMargin("P1M", "m")),
      "WINDOW_MARGIN_INVALID",
    );
  });
});
