import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { httpGet } from "./support/http-get.ts";
import { decreeBin, runCli } from "./support/run-cli.ts";

// biome-ignore lint/suspicious/noExplicitAny: the test reads what the API returns
async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}

const run = promisify(execFile);

describe("decree serve --demo", () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-serve-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the demo order on first start, serves it over HTTP and stops cleanly on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        decreeBin,
        "serve",
        "--demo",
        "--data",
        dir,
        "--http",
        "127.0.0.1:0",
        "--dns",
        "127.0.0.1:0",
        "--stop",
        "127.0.0.1:0",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        const match = /HTTP\s+(http:\/\/\S+)/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${stdout}`)));
    });
    try {
      assert.match(stdout, /demo\s+order 1 .* 16 active entries/);
      assert.match(stdout, /Try:/);
      // The quick start's dig command sees a demo domain blocked (CNAME . is NXDOMAIN in RPZ).
      const dig = /(dig @\S+ -p \d+ \+short allostreaming\.com\.rpz\.decree)/.exec(stdout)?.[1];
      assert.ok(dig, stdout);
      const { stdout: answer } = await run("sh", ["-c", dig]);
      assert.equal(answer.trim(), ".");
      // The stop page: operators point blocked names at it; it names the order and how to appeal.
      const stop = /STOP\s+(http:\/\/\S+)/.exec(stdout)?.[1];
      assert.ok(stop, stdout);
      const blocked = await httpGet(`${stop}/`, { host: "www.allostreaming.com" });
      assert.equal(blocked.status, 451);
      assert.equal(blocked.headers.link, `<${base}/orders/1>; rel="blocked-by"`);
      assert.match(blocked.body, /RG 11\/60013/);
      const health = await getJson(`${base}/health`);
      assert.equal(health.status, "ok");
      const orders = await getJson(`${base}/orders`);
      assert.equal(orders.orders[0].caseNumber, "RG 11/60013");
      assert.equal(orders.orders[0].state, "in-force");
      const found = await getJson(`${base}/targets?name=ALLOSTREAMING.com`);
      assert.equal(found.targets[0].state, "active");
      const missing = await fetch(`${base}/orders/42`);
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get("content-type"), "application/problem+json; charset=utf-8");
      assert.equal(((await missing.json()) as { code: string }).code, "ORDER_NOT_FOUND");
    } finally {
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    }
    // What the service wrote is the store every other command reads.
    const status = JSON.parse((await runCli(["--json", "--data", dir, "status"])).stdout);
    assert.equal(status.orders.total, 1);
    assert.equal(status.entries.byState.active, 16);
  });
});
