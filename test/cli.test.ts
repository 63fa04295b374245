import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "./support/run-cli.ts";

describe("the decree command", () => {
  let dir: string;
  const cli = (...args: string[]) => runCli(["--data", join(dir, "data"), ...args]);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "decree-cli-"));
    writeFileSync(
      join(dir, "order.json"),
      JSON.stringify({
        kind: "authority-decision",
        authority: "ARCOM",
        jurisdiction: "FR",
        caseNumber: "ARCOM 2026-17",
        decisionDate: "2026-11-01",
        applicants: ["LFP"],
        addressees: [{ name: "Free", role: "operator" }],
        measures: ["dns-block"],
        deadline: "PT30M",
        validity: { from: "2026-11-01", duration: "P12M" },
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("records an order from a file and shows it, as text and as JSON", async () => {
    const added = await cli("--json", "orders", "add", join(dir, "order.json"));
    assert.equal(added.code, 0, added.stderr);
    assert.equal(JSON.parse(added.stdout).order.id, 1);
    const shown = await cli("orders", "show", "1");
    assert.match(shown.stdout, /ARCOM 2026-17/);
    assert.match(shown.stdout, /PT30M/);
    const listed = JSON.parse((await cli("--json", "orders", "list")).stdout);
    assert.equal(listed.orders[0].state, "in-force");
  });

  it("imports nothing from a file with rejected lines, naming each line and its code", async () => {
    writeFileSync(
      join(dir, "bad.txt"),
      "live1.example-sport.com\nco.uk\nlive2.example-sport.com\n127.0.0.1\n",
    );
    const result = await cli("targets", "import", "1", join(dir, "bad.txt"));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /TARGETS_REJECTED/);
    assert.match(result.stderr, /line 2: TARGET_PUBLIC_SUFFIX/);
    assert.match(result.stderr, /line 4: TARGET_SPECIAL_RANGE/);
    const status = JSON.parse((await cli("--json", "status")).stdout);
    assert.equal(status.targets.total, 0);
  });

  it("imports the valid lines with --skip-invalid and reports the rejected ones", async () => {
    const result = await cli("--json", "targets", "import", "1", join(dir, "bad.txt"), "--skip-invalid");
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.added, 2);
    assert.deepEqual(
      report.rejected.map((r: { line: number }) => r.line),
      [2, 4],
    );
  });

  it("approves, suspends and lifts from the shell, and counts entries by state", async () => {
    assert.equal(
      (await cli("targets", "approve", "live1.example-sport.com", "2", "--reason", "ordered")).code,
      0,
    );
    assert.equal((await cli("targets", "suspend", "2", "--reason", "appeal filed")).code, 0);
    const status = JSON.parse((await cli("--json", "status")).stdout);
    assert.equal(status.entries.byState.active, 1);
    assert.equal(status.entries.byState.suspended, 1);
    const refused = await cli("targets", "reject", "1", "--reason", "too late");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /TARGET_TRANSITION_INVALID/);
  });

  it("renews an entry from the shell, and refuses a renewal past the order's end", async () => {
    const added = await cli(
      "--json",
      "targets",
      "add",
      "1",
      "live3.example-sport.com",
      "--until",
      "2027-03-01",
    );
    assert.equal(added.code, 0, added.stderr);
    const id = String(JSON.parse(added.stdout).targets[0].id);
    assert.equal((await cli("targets", "approve", id, "--reason", "ordered")).code, 0);
    const renewed = await cli(
      "--json",
      "targets",
      "renew",
      id,
      "--until",
      "2027-06-01",
      "--reason",
      "still live",
    );
    assert.equal(renewed.code, 0, renewed.stderr);
    assert.equal(JSON.parse(renewed.stdout).renewed[0].until, "2027-06-01T00:00:00.000Z");
    const tooFar = await cli("targets", "renew", id, "--until", "2028-06-01", "--reason", "forever");
    assert.equal(tooFar.code, 1);
    assert.match(tooFar.stderr, /TARGET_VALIDITY_BEYOND_ORDER/);
  });

  it("requires a reason for a decision", async () => {
    const result = await cli("targets", "lift", "1");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--reason/);
  });

  it("checks names without storing them: one JSON object per input", async () => {
    const result = await cli(
      "--json",
      "names",
      "check",
      "BÜCHER.de.",
      "github.io",
      "https://user:pw@example.org/x",
    );
    assert.equal(result.code, 1);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(lines[0], {
      input: "BÜCHER.de.",
      ok: true,
      kind: "fqdn",
      value: "xn--bcher-kva.de",
      display: "bücher.de",
      warnings: [],
    });
    assert.equal(lines[1].code, "TARGET_PUBLIC_SUFFIX");
    assert.equal(lines[2].code, "TARGET_URL_CREDENTIALS");
    assert.equal((await cli("names", "check", "--kind", "domain", "*.allostreaming.com")).code, 0);
  });

  it("has --help on every command", async () => {
    for (const args of [
      [],
      ["orders"],
      ["orders", "add"],
      ["targets", "import"],
      ["targets", "approve"],
      ["targets", "renew"],
      ["names", "check"],
      ["serve"],
      ["status"],
    ]) {
      const result = await runCli([...args, "--help"]);
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stdout, /Usage: decree/);
    }
  });

  it("says how to fix an unreadable order file", async () => {
    const result = await cli("orders", "add", join(dir, "missing.yaml"));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /ORDER_FILE_UNREADABLE: Cannot read .*missing\.yaml: ENOENT/);
  });

  it("speaks French with --lang fr: refusals, names check and the tables, with the same codes", async () => {
    const checked = await cli("--lang", "fr", "names", "check", "github.io", "bücher.de");
    assert.equal(checked.code, 1);
    assert.match(
      checked.stdout,
      /^refusé +github\.io\n +TARGET_PUBLIC_SUFFIX: github\.io est un suffixe public/,
    );
    assert.match(checked.stdout, /accepté +bücher\.de/);
    const shown = await cli("--lang", "fr", "orders", "show", "1");
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^décision 1 \(en vigueur\)/);
    assert.match(shown.stdout, /ARCOM 2026-17/);
    const status = await cli("--lang", "fr", "status");
    assert.match(status.stdout, /^décisions +1/m);
    const countEnds = status.stdout
      .trim()
      .split("\n")
      .map((line) => line.search(/\d {2}/) + 1);
    assert.equal(new Set(countEnds).size, 1, `the counts of every line align: ${status.stdout}`);
    const refused = await cli("--lang", "fr", "orders", "add", join(dir, "missing.yaml"));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^decree: ORDER_FILE_UNREADABLE: /);
    assert.doesNotMatch(refused.stderr, /Cannot read/);
  });

  it("speaks French when LANG says so, LC_ALL wins over it, and --json stays English", async () => {
    const french = await runCli(["--data", join(dir, "data"), "names", "check", "github.io"], {
      LANG: "fr_FR.UTF-8",
    });
    assert.match(french.stdout, /github\.io est un suffixe public/);
    const english = await runCli(["--data", join(dir, "data"), "names", "check", "github.io"], {
      LANG: "fr_FR.UTF-8",
      LC_ALL: "C",
    });
    assert.match(english.stdout, /github\.io is a public suffix/);
    const json = await runCli(["--data", join(dir, "data"), "--json", "names", "check", "github.io"], {
      LANG: "fr_FR.UTF-8",
    });
    const line = JSON.parse(json.stdout);
    assert.equal(line.code, "TARGET_PUBLIC_SUFFIX");
    assert.match(line.message, /^github\.io is a public suffix/);
    const listed = await runCli(["--data", join(dir, "data"), "targets", "list"], { LANG: "fr_FR.UTF-8" });
    assert.match(listed.stdout, /^ID +DÉCISION +ÉTAT/);
  });
  it("refuses a release serial that is not a whole number before it reads the store", async () => {
    for (const args of [
      ["releases", "rollout", "zz"],
      ["releases", "proceed", "0x1", "--reason", "checked"],
    ]) {
      const result = await cli(...args);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, /NUMBER_INVALID/);
    }
  });
});
