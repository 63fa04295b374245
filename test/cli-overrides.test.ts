import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliResult, decreeBin, runCli } from "./support/run-cli.ts";

/** The CLI with a password on standard input, as `--password-stdin` reads it. */
function runCliWithInput(args: string[], input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [decreeBin, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("overrides and the two-person rule from the shell", () => {
  let dir: string;
  let target: string;
  let overrideId: string;
  const annPassword = "ann's long passphrase";
  const bobPassword = "bob's longer passphrase";
  // The OS user running the tests created the store, and acts as its local authority account by default.
  const cli = (...args: string[]) => runCli(["--data", join(dir, "data"), "--json", ...args]);
  const as = (email: string, password: string, ...args: string[]) =>
    runCliWithInput(
      ["--data", join(dir, "data"), "--json", "--as", email, ...args, "--password-stdin"],
      `${password}\n`,
    );

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
    const added = await cli("orders", "add", join(dir, "order.json"));
    assert.equal(added.code, 0, added.stderr);
    assert.equal((await cli("accounts", "add-org", "AGCOM")).code, 0);
    for (const [email, role, password] of [
      ["ann@agcom.example", "admin", annPassword],
      ["bob@agcom.example", "authority", bobPassword],
      ["eve@agcom.example", "auditor", "eve's long passphrase"],
    ] as const) {
      const user = await runCliWithInput(
        [
          "--data",
          join(dir, "data"),
          "accounts",
          "add-user",
          email,
          "--org",
          "AGCOM",
          "--role",
          role,
          "--password-stdin",
        ],
        password,
      );
      assert.equal(user.code, 0, user.stderr);
    }
    const proposed = await cli("targets", "add", "1", "drive.usercontent.google.com");
    assert.equal(proposed.code, 0, proposed.stderr);
    target = String(JSON.parse(proposed.stdout).targets[0].id);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses an approval blocked by a finding, and an override by an account that is not an admin", async () => {
    const refused = await cli("targets", "approve", target, "--reason", "in the ticket");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /TARGET_BLOCKED_BY_FINDING/);
    const local = await cli(
      "targets",
      "override",
      target,
      "--code",
      "TARGET_PROTECTED_NAME",
      "--reason",
      "p. 4",
    );
    assert.equal(local.code, 1);
    assert.match(local.stderr, /FORBIDDEN/);
  });

  it("does not take --as for proof: a name that is no account, or an account without its password, acts as no one", async () => {
    const stranger = await runCli([
      ...["--data", join(dir, "data"), "--as", "someone-else", "targets", "confirm-override", target, "1"],
    ]);
    assert.equal(stranger.code, 1);
    assert.match(stranger.stderr, /USER_NOT_FOUND/);
    const unproven = await runCli([
      ...[
        "--data",
        join(dir, "data"),
        "--as",
        "bob@agcom.example",
        "targets",
        "confirm-override",
        target,
        "1",
      ],
    ]);
    assert.equal(unproven.code, 1);
    assert.match(unproven.stderr, /CLI_IDENTITY_UNPROVEN/);
    const wrong = await as(
      "bob@agcom.example",
      "not bob's password",
      "targets",
      "confirm-override",
      target,
      "1",
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /CLI_IDENTITY_UNPROVEN/);
  });

  it("needs two different accounts: the admin's override, confirmed by another account with the role", async () => {
    const override = await as(
      "ann@agcom.example",
      annPassword,
      ...[
        "targets",
        "override",
        target,
        "--code",
        "TARGET_PROTECTED_NAME",
        "--reason",
        "named by the court, p. 4",
      ],
    );
    assert.equal(override.code, 0, override.stderr);
    overrideId = String(JSON.parse(override.stdout).overrideId);
    const self = await as(
      "ann@agcom.example",
      annPassword,
      "targets",
      "confirm-override",
      target,
      overrideId,
    );
    assert.equal(self.code, 1);
    assert.match(self.stderr, /OVERRIDE_SAME_USER/);
    const auditor = await as(
      "eve@agcom.example",
      "eve's long passphrase",
      ...["targets", "confirm-override", target, overrideId],
    );
    assert.equal(auditor.code, 1);
    assert.match(auditor.stderr, /FORBIDDEN/);

    const pending = JSON.parse((await cli("targets", "pending")).stdout);
    const open = pending.overrides.find((o: { overrideId: number }) => String(o.overrideId) === overrideId);
    assert.equal(open.requestedBy.email, "ann@agcom.example");
    assert.deepEqual(open.mayConfirm.roles, ["admin", "authority"]);
    assert.equal(open.mayConfirm.notUserId, open.requestedBy.userId);

    const confirmed = await as(
      "bob@agcom.example",
      bobPassword,
      "targets",
      "confirm-override",
      target,
      overrideId,
    );
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.equal(JSON.parse(confirmed.stdout).targets[0].to, "active");
    const after = JSON.parse((await cli("targets", "pending")).stdout);
    assert.equal(after.overrides.length, 0);
  });

  it("names the account and the OS user of every shell action in the event log", async () => {
    const { openStore } = await import("../src/store/open-store.ts");
    const store = await openStore({ dataDir: join(dir, "data") });
    try {
      const rows = await store.db
        .selectFrom("events")
        .select(["actor", "data"])
        .where("action", "=", "cli.command")
        .execute();
      const commands = rows.map(
        (row) => JSON.parse(row.data) as { command: string; osUser: string; proof: string },
      );
      const confirm = commands.filter((c) => c.command === "targets confirm-override");
      assert.ok(confirm.some((c) => c.proof === "password" && c.osUser.length > 0));
      assert.ok(rows.every((row) => /^(user|os-user):/.test(row.actor)));
    } finally {
      await store.close();
    }
  });

  it("still approves a clean target with one person: the store's creator, by its OS-user mapping", async () => {
    const added = await cli("targets", "add", "1", "calcio-live.example-sport.com");
    const id = String(JSON.parse(added.stdout).targets[0].id);
    const approved = await cli("targets", "approve", id, "--reason", "in the ticket");
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(JSON.parse(approved.stdout).targets[0].to, "active");
  });

  it("acts as an OS user's mapped account, and as no one once the mapping is gone", async () => {
    const { userInfo } = await import("node:os");
    const me = userInfo().username;
    const mapped = await cli("accounts", "map-os-user", me, "bob@agcom.example");
    assert.equal(mapped.code, 0, mapped.stderr);
    const mappings = JSON.parse((await cli("accounts", "os-users")).stdout).mappings;
    assert.equal(mappings.find((m: { osUser: string }) => m.osUser === me).email, "bob@agcom.example");
    const added = await cli("targets", "add", "1", "calcio-live2.example-sport.com");
    const id = String(JSON.parse(added.stdout).targets[0].id);
    const approved = await cli("targets", "approve", id, "--reason", "in the ticket");
    assert.equal(approved.code, 0, approved.stderr);
    // No longer the store's creator (mapped elsewhere) and not an admin: accounts are not this account's to manage.
    const notAdmin = await cli("accounts", "add-org", "Somewhere");
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /FORBIDDEN/);
    assert.equal((await as("ann@agcom.example", annPassword, "accounts", "unmap-os-user", me)).code, 0);
    const again = await as("ann@agcom.example", annPassword, "accounts", "unmap-os-user", me);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /OS_USER_NOT_MAPPED/);
    const nobody = await cli("targets", "suspend", id, "--reason", "appeal filed");
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /CLI_IDENTITY_REQUIRED/);
    const bad = await as(
      "ann@agcom.example",
      annPassword,
      "accounts",
      "map-os-user",
      "../etc",
      "bob@agcom.example",
    );
    assert.match(bad.stderr, /OS_USER_INVALID/);
  });
});
