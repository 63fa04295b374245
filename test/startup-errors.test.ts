import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { freePort } from "./support/free-port.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { runCli } from "./support/run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "decree-startup-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One line on stderr for a person, with the code first and no stack trace, and exit 1. The service's structured
 * log (JSON lines, also on stderr) may come before it: it is for the log collector, not the person.
 */
function assertOneLine(result: { code: number | null; stderr: string }, code: string, ...mentions: string[]) {
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stderr
    .trimEnd()
    .split("\n")
    .filter((line) => !line.startsWith("{"));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] as string, new RegExp(`^decree: ${code}: `));
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  for (const mention of mentions)
    assert.ok(result.stderr.includes(mention), `${mention} in ${result.stderr}`);
}

describe("serve on a busy port", () => {
  test("a port another program holds is one line naming the address, the flag and the variable", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const busy = (holder.address() as { port: number }).port;
    try {
      const result = await runCli([
        "--data",
        join(dir, "busy"),
        "serve",
        "--http",
        `127.0.0.1:${busy}`,
        "--dns",
        `127.0.0.1:${await freePort()}`,
        "--stop",
        `127.0.0.1:${await freePort()}`,
      ]);
      assertOneLine(result, "SERVE_PORT_IN_USE", `127.0.0.1:${busy}`, "--http HOST:PORT", "DECREE_HTTP");
    } finally {
      holder.close();
    }
  });

  test("an address that is not this machine's is one line with SERVE_ADDRESS_UNUSABLE", async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    const result = await runCli([
      "--data",
      join(dir, "unusable"),
      "serve",
      "--http",
      "192.0.2.1:8080",
      "--dns",
      `127.0.0.1:${await freePort()}`,
      "--stop",
      `127.0.0.1:${await freePort()}`,
    ]);
    assertOneLine(result, "SERVE_ADDRESS_UNUSABLE", "192.0.2.1:8080", "--http");
  });
});

describe("a data folder decree cannot use", () => {
  test("a --data below a file is one line with DATA_DIR_UNUSABLE and how to choose another", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const result = await runCli(["--data", join(file, "registry"), "status"]);
    assertOneLine(result, "DATA_DIR_UNUSABLE", join(file, "registry"), "--data DIR");
  });

  test("a folder decree may not write is one line with DATA_DIR_UNUSABLE", {
    skip: process.getuid?.() === 0 && "root writes everywhere",
  }, async () => {
    const locked = join(dir, "locked");
    await runCli(["--data", locked, "status"]);
    chmodSync(locked, 0o500);
    try {
      const result = await runCli(["--data", join(locked, "inner"), "status"]);
      assertOneLine(result, "DATA_DIR_UNUSABLE", "--data DIR");
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});

describe("a new, empty registry", () => {
  test("a command that creates one says where on stderr, and how to point at another, once", async () => {
    const data = join(dir, "mistyped");
    const first = await runCli(["--data", data, "status"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /created a new, empty registry at .*mistyped\/decree\.db/);
    assert.match(first.stderr, /--data DIR/);
    const second = await runCli(["--data", data, "status"]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, "");
  });
});

describe("a PostgreSQL URL that does not work", () => {
  test("a server that does not answer, a login it refuses and a database it lacks each give one line", async () => {
    const database = await createTestDatabase();
    try {
      const good = new URL(database.url);
      const nowhere = new URL(good);
      nowhere.port = String(await freePort());
      assertOneLine(
        await runCli(["--database-url", nowhere.href, "status"]),
        "STORE_UNREACHABLE",
        "host and port",
      );

      // The test server trusts loopback logins, so a refused login is a role it does not know (SQLSTATE 28000);
      // a wrong password is the same class 28 (28P01) and the same message.
      const stranger = new URL(good);
      stranger.username = "no_such_role";
      stranger.password = "secret";
      const refused = await runCli(["--database-url", stranger.href, "status"]);
      assertOneLine(refused, "STORE_LOGIN_REFUSED", "user and password");
      assert.doesNotMatch(refused.stderr, /secret/);

      const missing = new URL(good);
      missing.pathname = "/no_such_database";
      assertOneLine(
        await runCli(["--database-url", missing.href, "status"]),
        "STORE_DATABASE_MISSING",
        "createdb",
      );
    } finally {
      await database.drop();
    }
  });
});
