import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decreeBin, runCli } from "../../../test/support/run-cli.ts";
import { buildApp } from "../../http/build-app.ts";
import { openStore } from "../../store/open-store.ts";

/** Runs decree with `input` on its standard input: how a password reaches --password-stdin. */
function runWithInput(args: string[], input: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [decreeBin, ...args], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

describe("decree accounts and decree tokens", () => {
  let dir: string;
  const cli = (...args: string[]) => runCli(["--data", dir, ...args]);
  const password = "correct horse battery staple";

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-accounts-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("bootstraps an admin from the shell whose token and password then work over HTTP", async () => {
    assert.equal((await cli("accounts", "add-org", "ARCOM")).code, 0);
    const user = await runWithInput(
      [
        "--data",
        dir,
        "accounts",
        "add-user",
        "Admin@ARCOM.example",
        "--org",
        "ARCOM",
        "--role",
        "admin",
        "--password-stdin",
      ],
      `${password}\n`,
    );
    assert.equal(user.code, 0, user.stderr);
    const created = await cli(
      "--json",
      "tokens",
      "create",
      "--user",
      "admin@arcom.example",
      "--label",
      "bootstrap",
      "--expires",
      "30d",
    );
    assert.equal(created.code, 0, created.stderr);
    const { id, token, expiresAt } = JSON.parse(created.stdout);
    assert.match(token, /^dct_/);
    assert.ok(Date.parse(expiresAt) - Date.now() > 29 * 86_400_000);

    const listed = await cli("--json", "tokens", "list", "--user", "admin@arcom.example");
    assert.ok(!listed.stdout.includes(token.slice(4)), "a listing never shows the token");
    assert.equal(JSON.parse(listed.stdout).tokens[0].label, "bootstrap");
    const accounts = JSON.parse((await cli("--json", "accounts", "list")).stdout);
    assert.deepEqual(
      accounts.users.map((u: { email: string; role: string; hasPassword: boolean }) => [
        u.email,
        u.role,
        u.hasPassword,
      ]),
      [
        ["admin@arcom.example", "admin", true],
        // the store's creator (the OS user running the test), an authority of the local shell
        [`${userInfo().username}@shell.localhost`, "authority", false],
      ],
    );

    const store = await openStore({ dataDir: dir });
    const app = await buildApp({ store });
    try {
      const me = await app.inject({ url: "/me", headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.json().user.role, "admin");
      const login = await app.inject({
        method: "POST",
        url: "/auth/login",
        payload: { email: "admin@arcom.example", password },
      });
      assert.equal(login.statusCode, 200);
      assert.equal((await cli("tokens", "revoke", String(id), "--reason", "test over")).code, 0);
      const revoked = await app.inject({ url: "/me", headers: { authorization: `Bearer ${token}` } });
      assert.equal(revoked.statusCode, 401);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it("refuses an unknown organisation, an unknown role, and a lifetime beyond a year, with exit codes 1 and 2", async () => {
    const org = await cli("accounts", "add-user", "x@y.example", "--org", "Nowhere", "--role", "operator");
    assert.equal(org.code, 1);
    assert.match(org.stderr, /ORGANISATION_NOT_FOUND/);
    const role = await cli("accounts", "add-user", "x@y.example", "--org", "ARCOM", "--role", "root");
    assert.equal(role.code, 2);
    const long = await cli("tokens", "create", "--user", "admin@arcom.example", "--expires", "400d");
    assert.equal(long.code, 1);
    assert.match(long.stderr, /TOKEN_INVALID/);
  });
});
