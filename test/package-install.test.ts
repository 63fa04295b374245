import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { queryDns } from "./support/dns-client.ts";
import { freePort } from "./support/free-port.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "decree-package-"));
let server: ChildProcess | undefined;
after(() => {
  if (server?.pid && server.exitCode === null) process.kill(server.pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

// The package as a user gets it: `npm pack` (which builds first), a global install into a prefix of its own,
// and `decree serve --demo` with nothing else: no checkout, no dev dependencies, no config. Installing compiles
// better-sqlite3 from source (build-from-source: no download of a prebuilt binary), which is most of the time.
test("the packed package installs globally and serves the demo over DNS and HTTP", {
  timeout: 600_000,
}, async () => {
  const npm = (args: string[], cwd: string) =>
    execFileSync("npm", args, {
      cwd,
      env: { ...process.env, npm_config_build_from_source: "true", npm_config_update_notifier: "false" },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
  npm(["pack", "--silent", "--pack-destination", dir], root);
  const tarball = readdirSync(dir).find((name) => /^decree-.*\.tgz$/.test(name));
  assert.ok(tarball, "npm pack wrote a decree-*.tgz");
  const prefix = join(dir, "prefix");
  npm(
    [
      "install",
      "-g",
      "--prefix",
      prefix,
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      join(dir, tarball),
    ],
    dir,
  );
  const decree = join(prefix, "bin", "decree");
  assert.ok(existsSync(decree), "the install put decree in the prefix's bin/");

  const home = join(dir, "home");
  const cwd = join(dir, "elsewhere");
  mkdirSync(home);
  mkdirSync(cwd);
  const [http, dns, stop] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };
  server = spawn(
    decree,
    [
      "serve",
      "--demo",
      "--http",
      `127.0.0.1:${http}`,
      "--dns",
      `127.0.0.1:${dns}`,
      "--stop",
      `127.0.0.1:${stop}`,
    ],
    { cwd, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  server.stdout?.on("data", (chunk) => (output += chunk));
  server.stderr?.on("data", (chunk) => (output += chunk));
  const started = Date.now();
  while (!output.includes("decree is serving")) {
    assert.ok(server.exitCode === null, `decree serve ended: ${output}`);
    assert.ok(Date.now() - started < 60_000, `decree serve did not start in 60 s: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Installed, the state goes to the XDG state folder, not into the package.
  assert.match(output, new RegExp(`${join(home, ".local", "state", "decree")}`));

  const response = await fetch(`http://127.0.0.1:${http}/orders`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /RG 11\/60013/);

  // RPZ (draft-ietf-dnsop-dns-rpz): a CNAME to the root is the NXDOMAIN action for the listed name.
  const answer = await queryDns({ host: "127.0.0.1", port: dns }, "allostreaming.com.rpz.decree", "CNAME");
  assert.equal(answer.rcode, "NOERROR");
  assert.deepEqual(
    answer.answers.map((record) => [record.type, "data" in record ? record.data : undefined]),
    [["CNAME", "."]],
  );

  process.kill(server.pid as number, "SIGTERM");
  const code = await new Promise((resolve) => server?.once("exit", resolve));
  assert.equal(code, 0, output);
});
