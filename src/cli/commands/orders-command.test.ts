import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tokenFor } from "../../../test/support/accounts.ts";
import { matchCalendar } from "../../../test/support/match-calendar.ts";
import { runCli } from "../../../test/support/run-cli.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { openStore } from "../../store/open-store.ts";

describe("decree orders confirm", () => {
  let dir: string;
  let orderId: number;
  const cli = (...args: string[]) => runCli(["--data", dir, ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-confirm-"));
    const store = await openStore({ dataDir: dir });
    try {
      const { principal } = await tokenFor(store, "applicant", "APC");
      const { order } = await recordOrder(store, sampleOrder(), {
        actor: "user:1",
        now: duringOrder,
        ownerOrganisationId: principal.organisationId,
      });
      orderId = order.id;
    } finally {
      await store.close();
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("confirms an applicant's order once, naming who did it, and says so in orders show", async () => {
    const waiting = await cli("orders", "show", String(orderId));
    assert.match(waiting.stdout, /confirmed:\s+not yet/);
    const confirmed = await cli("--json", "orders", "confirm", String(orderId), "--reason", "checked");
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.match(JSON.parse(confirmed.stdout).confirmedBy, /^user:\d+$/);
    const again = await cli("orders", "confirm", String(orderId));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ORDER_ALREADY_CONFIRMED/);
  });
});

describe("decree orders history", () => {
  let dir: string;
  let orderId: number;
  const cli = (...args: string[]) => runCli(["--data", dir, ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-history-"));
    const store = await openStore({ dataDir: dir });
    try {
      const { order } = await recordOrder(store, sampleOrder({ targets: ["told.example-films.com"] }), {
        actor: "user:1",
        now: duringOrder,
      });
      orderId = order.id;
    } finally {
      await store.close();
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("tells an order's events and its targets' in sentences, in the language of --lang, the same JSON in each", async () => {
    const english = await cli("orders", "history", String(orderId));
    assert.equal(english.code, 0, english.stderr);
    assert.match(english.stdout, /^AT +WHO +WHAT\n/);
    assert.match(english.stdout, new RegExp(`Order ${orderId} recorded`));
    assert.match(english.stdout, /Target told\.example-films\.com proposed for blocking/);
    const french = await cli("--lang", "fr", "orders", "history", String(orderId));
    assert.match(french.stdout, /^QUAND +QUI +QUOI\n/);
    assert.match(french.stdout, /Cible told\.example-films\.com proposée au blocage/);
    const json = JSON.parse((await cli("--json", "orders", "history", String(orderId))).stdout);
    assert.deepEqual(
      json.events.map((event: { action: string }) => event.action),
      ["order.recorded", "target.proposed"],
    );
    const last = await cli("--json", "orders", "history", String(orderId), "--limit", "1");
    assert.deepEqual(
      JSON.parse(last.stdout).events.map((event: { action: string }) => event.action),
      ["target.proposed"],
    );
  });

  it("refuses a history limit past a thousand events, in the person's language, and exits 2", async () => {
    const english = await cli("orders", "history", String(orderId), "--limit", "5000");
    assert.equal(english.code, 2);
    assert.match(english.stderr, /NUMBER_INVALID: 5000 is out of range: from 1 to 1000/);
    const french = await cli("--lang", "fr", "orders", "history", String(orderId), "--limit", "5000");
    assert.equal(french.code, 2);
    assert.match(french.stderr, /^erreur : la valeur « 5000 » de l’option « --limit <n> » n’est pas valable/);
    assert.match(french.stderr, /NUMBER_INVALID : 5000 est hors limites : de 1 à 1000/);
  });
});

describe("decree orders windows", () => {
  let dir: string;
  const cli = (...args: string[]) => runCli(["--data", join(dir, "data"), ...args]);
  const match = (uid: string, summary: string, start: string) => ({
    uid,
    summary,
    start: new Date(start),
    minutes: 105,
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-windows-cli-"));
    await writeFile(
      join(dir, "matches.ics"),
      matchCalendar([
        match("j20-1@liga", "Real Madrid – Barcelona", "2027-01-16T20:00:00Z"),
        match("j20-2@liga", "Sevilla – Betis", "2027-01-17T17:30:00Z"),
        match("j20-3@liga", "Valencia – Villarreal", "2027-01-17T20:00:00Z"),
      ]),
    );
    await writeFile(join(dir, "broken.ics"), "BEGIN:VCALENDAR\r\nthis is no calendar\r\n");
    await writeFile(
      join(dir, "order.yaml"),
      [
        "kind: court-decision",
        "authority: Juzgado de lo Mercantil n.º 6 de Barcelona",
        "jurisdiction: ES",
        "caseNumber: PO 1005/2024",
        "decisionDate: 2024-12-18",
        "applicants: [LaLiga]",
        "addressees: [{name: Telefónica, role: operator}]",
        "measures: [ip-block, dns-block]",
        "deadline: PT30M",
        "validity: {from: 2026-11-01, duration: P12M}",
        "calendar: {file: matches.ics, marginBefore: 15m, marginAfter: 30m}",
        "",
      ].join("\n"),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("records an order whose file names a calendar of three matches as three windows", async () => {
    const added = await cli("--json", "orders", "add", join(dir, "order.yaml"));
    assert.equal(added.code, 0, added.stderr);
    const { windows } = JSON.parse(added.stdout);
    assert.deepEqual(
      windows.map((w: { label: string; startsAt: string }) => [w.label, w.startsAt]),
      [
        ["Real Madrid – Barcelona", "2027-01-16T19:45:00.000Z"],
        ["Sevilla – Betis", "2027-01-17T17:15:00.000Z"],
        ["Valencia – Villarreal", "2027-01-17T19:45:00.000Z"],
      ],
    );
    const shown = await cli("orders", "show", "1");
    assert.match(shown.stdout, /blocked only during these 3/);
  });

  it("adds a window with --from and --to, refuses overlaps and broken calendars, and withdraws one", async () => {
    const added = await cli(
      "--json",
      "orders",
      "windows",
      "add",
      "1",
      "--from",
      "2027-01-23T18:00:00Z",
      "--to",
      "2027-01-23T20:30:00Z",
      "--label",
      "Atlético – Getafe",
    );
    assert.equal(added.code, 0, added.stderr);
    const [window] = JSON.parse(added.stdout).windows;
    assert.equal(window.state, "scheduled");

    // The same calendar again overlaps every window it already gave.
    const twice = await cli("orders", "windows", "add", "1", "--ical", join(dir, "matches.ics"));
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /WINDOW_OVERLAP/);
    const broken = await cli("orders", "windows", "add", "1", "--ical", join(dir, "broken.ics"));
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /ICAL_INVALID/);
    const inverted = await cli(
      "orders",
      "windows",
      "add",
      "1",
      "--from",
      "2027-02-01T20:00Z",
      "--to",
      "2027-02-01T18:00Z",
    );
    assert.match(inverted.stderr, /WINDOW_INVERTED/);
    const outside = await cli(
      "orders",
      "windows",
      "add",
      "1",
      "--from",
      "2028-02-01T18:00Z",
      "--to",
      "2028-02-01T20:00Z",
    );
    assert.match(outside.stderr, /WINDOW_OUTSIDE_VALIDITY/);
    const margin = await cli(
      "orders",
      "windows",
      "add",
      "1",
      "--ical",
      join(dir, "matches.ics"),
      "--margin-before",
      "soon",
    );
    assert.match(margin.stderr, /WINDOW_MARGIN_INVALID/);

    const listed = JSON.parse((await cli("--json", "orders", "windows", "list", "1")).stdout);
    assert.equal(listed.windows.length, 4, "the refusals stored nothing");
    const withdrawn = await cli(
      "--json",
      "orders",
      "windows",
      "withdraw",
      "1",
      String(window.id),
      "--reason",
      "moved",
    );
    assert.equal(withdrawn.code, 0, withdrawn.stderr);
    assert.equal(JSON.parse(withdrawn.stdout).state, "withdrawn");
  });
});
