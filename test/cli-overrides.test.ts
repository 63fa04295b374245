import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "./support/run-cli.ts";

describe("overrides and the two-person rule from the shell", () => {
  let dir: string;
  const as = (actor: string, ...args: string[]) =>
    runCli(["--data", join(dir, "data"), "--as", actor, "--json", ...args]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "decree-cli-overrides-"));
    writeFileSync(
      join(dir, "order.json"),
      JSON.stringify({
        kind: "authority-decision",
        authority: "AGCOM",
        jurisdiction: "IT",
        caseNumber: "AGCOM 2026-1",
        decisionDate: "2026-11-01",
        applicants: ["Serie A"],
        addressees: [{ name: "TIM", role: "operator" }],
        measures: ["dns-block"],
        deadline: "PT30M",
        validity: { from: "2026-11-01", duration: "P6M" },
      }),
    );
    const added = await as("cli:ann", "orders", "add", join(dir, "order.json"));
    assert.equal(added.code, 0, added.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses to approve Google Drive's host until one person's override is confirmed by another", async () => {
    const added = await as("cli:ann", "targets", "add", "1", "drive.usercontent.google.com");
    assert.equal(added.code, 0, added.stderr);
    const id = String(JSON.parse(added.stdout).targets[0].id);
    const refused = await as("cli:ann", "targets", "approve", id, "--reason", "in the ticket");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /TARGET_BLOCKED_BY_FINDING/);
    const override = await as(
      "cli:ann",
      ...[
        "targets",
        "override",
        id,
        "--code",
        "TARGET_PROTECTED_NAME",
        "--reason",
        "named by the court, p. 4",
      ],
    );
    assert.equal(override.code, 0, override.stderr);
    const overrideId = String(JSON.parse(override.stdout).overrideId);
    const self = await as("cli:ann", "targets", "confirm-override", id, overrideId);
    assert.equal(self.code, 1);
    assert.match(self.stderr, /OVERRIDE_SAME_USER/);
    const confirmed = await as("cli:bob", "targets", "confirm-override", id, overrideId);
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.equal(JSON.parse(confirmed.stdout).targets[0].to, "active");
  });

  it("still approves a clean target with one person", async () => {
    const added = await as("cli:ann", "targets", "add", "1", "calcio-live.example-sport.com");
    const id = String(JSON.parse(added.stdout).targets[0].id);
    const approved = await as("cli:ann", "targets", "approve", id, "--reason", "in the ticket");
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(JSON.parse(approved.stdout).targets[0].to, "active");
  });
});
