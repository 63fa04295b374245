import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { decreeBin, runCli } from "./support/run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "decree-newcomer-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const demoOrder = "data/demo/allostreaming-2013.yaml";

describe("the README's first order", () => {
  test("a 2013 order is refused with ORDER_EXPIRED naming the decision, not an order id never stored", async () => {
    const data = join(dir, "expired");
    const result = await runCli(["--data", data, "orders", "add", demoOrder]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /ORDER_EXPIRED: This decision \(Tribunal de grande instance de Paris, RG 11\/60013\)/,
    );
    assert.doesNotMatch(result.stderr, /Order \d/);
    assert.match(result.stderr, /--starting-today/);
    const list = await runCli(["--data", data, "--json", "orders", "list"]);
    assert.deepEqual(JSON.parse(list.stdout).orders, []);
  });

  test("with --starting-today it is recorded, in force from today for its twelve months", async () => {
    const data = join(dir, "today");
    const result = await runCli(["--data", data, "orders", "add", "--starting-today", demoOrder]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /recorded order 1: .*\n {2}valid \d{4}-.* to .*\n {2}16 targets proposed/);
    const status = await runCli(["--data", data, "--json", "status"]);
    assert.equal(JSON.parse(status.stdout).orders.byState["in-force"], 1);
  });
});

describe("an order file with a bad target", () => {
  const file = join(dir, "bad-target.yaml");
  const lines = readFileSync(demoOrder, "utf8").replace(
    "  - { value: alloshare.com, kind: domain }",
    "  - { value: 'exa mple.com', kind: domain }",
  );
  writeFileSync(file, lines);
  const badLine = lines.split("\n").findIndex((line) => line.includes("exa mple")) + 1;

  test("the refusal names the line of the file the target is on, and --skip-invalid is accepted", async () => {
    const refused = await runCli(["--data", join(dir, "bad"), "orders", "add", "--starting-today", file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`line ${badLine}: `));
    assert.match(refused.stderr, /--skip-invalid/);

    const skipped = await runCli([
      "--data",
      join(dir, "bad"),
      "orders",
      "add",
      "--starting-today",
      "--skip-invalid",
      file,
    ]);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stdout, /15 targets proposed/);
    assert.match(skipped.stdout, new RegExp(`skipped line ${badLine}: TARGET_`));
  });
});

describe("a password typed at a terminal", () => {
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  test("--password-stdin prompts on stderr and does not echo what is typed", {
    skip: !hasScript && "no script(1)",
  }, async () => {
    const data = join(dir, "tty");
    assert.equal((await runCli(["--data", data, "accounts", "add-org", "ARCOM"])).code, 0);
    const command = [
      process.execPath,
      decreeBin,
      "--data",
      data,
      "accounts",
      "add-user",
      "a@arcom.example",
      "--org",
      "ARCOM",
      "--role",
      "admin",
      "--password-stdin",
    ]
      .map((word) => `'${word}'`)
      .join(" ");
    // script(1) runs the command on a pseudo-terminal and records what a person there sees. The password is
    // typed once the prompt is up: what arrives before is echoed by the terminal, as it would be for a person.
    const typed = spawnSync(
      "sh",
      [
        "-c",
        `(sleep 4; printf 'correct horse battery\\r') | script -q -e -c "${command.replace(/"/g, '\\"')}" /dev/null`,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(typed.status, 0, typed.stdout + typed.stderr);
    assert.match(typed.stdout, /password \(not shown\): /);
    assert.doesNotMatch(typed.stdout, /correct horse/);
  });
});
