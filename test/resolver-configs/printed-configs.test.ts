import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { fetchScript } from "../support/resolver-fleet.ts";
import { runCli } from "../support/run-cli.ts";

const run = promisify(execFile);

describe("decree operators config", { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-printed-"));
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(["--data", dir, ...args], { DECREE_DNS: "", ...env });

  before(async () => {
    assert.equal((await cli(["operators", "add", "Orange"])).code, 0);
    assert.equal((await cli(["operators", "add", "Free", "--action", "stop-page"])).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names the primary it prints and where that address came from", async () => {
    const byDefault = await cli(["operators", "config", "Orange", "--for", "bind"]);
    assert.match(byDefault.stdout, /decree's DNS primary: 127\.0\.0\.1:5300 \(the default: no DECREE_DNS/);
    const given = await cli(["operators", "config", "Orange", "--for", "bind", "--primary", "192.0.2.53:53"]);
    assert.match(given.stdout, /decree's DNS primary: 192\.0\.2\.53:53 \(--primary\)/);
    assert.match(given.stdout, /primaries \{ 192\.0\.2\.53 port 53 key "orange\.xfer\.decree"; \}/);
    const fromDns = await cli(["operators", "config", "Orange", "--for", "nsd"], {
      DECREE_DNS: "198.51.100.7:5353",
    });
    assert.match(fromDns.stdout, /request-xfr: 198\.51\.100\.7@5353 orange\.xfer\.decree/);
    assert.match(fromDns.stdout, /\(DECREE_DNS\)/);
  });

  it("refuses to print a primary listening on every address, which no resolver can be pointed at", async () => {
    const answer = await cli(["--json", "operators", "config", "Orange", "--for", "unbound"], {
      DECREE_DNS: "0.0.0.0:5300",
    });
    assert.notEqual(answer.code, 0);
    assert.match(answer.stdout + answer.stderr, /OPERATOR_CONFIG_PRIMARY_UNKNOWN/);
  });

  it("keeps knot as the old name of knot-resolver, pinning the registry's feed key", async () => {
    const old = await cli(["operators", "config", "Orange", "--for", "knot"]);
    const renamed = await cli(["operators", "config", "Orange", "--for", "knot-resolver"]);
    assert.equal(old.stdout, renamed.stdout);
    const key = await cli(["--json", "keys"]);
    const publicKey = JSON.stringify(JSON.parse(key.stdout)).match(/"publicKey":"([^"]+)"/)?.[1];
    assert.ok(publicKey, key.stdout);
    assert.ok(renamed.stdout.includes(`--key ${publicKey}`), renamed.stdout);
  });

  it("asks for the stop page's name where the stop-page override can only be a CNAME", async () => {
    const refused = await cli(["--json", "operators", "config", "Free", "--for", "powerdns"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stdout + refused.stderr, /OPERATOR_CONFIG_STOP_PAGE_NAME/);
    const named = await cli(["operators", "config", "Free", "--for", "powerdns"], {
      DECREE_STOP_PAGE_NAME: "stop.example.net",
    });
    assert.match(named.stdout, /defpol=Policy\.Custom,\n {2}defcontent="stop\.example\.net\."/);
  });
});

describe("decree-rpz-fetch.sh", { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-fetch-"));
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url").toString("base64");
  const zone = "$ORIGIN rpz.decree.\n@ 60 IN SOA localhost. hostmaster.rpz.decree. 7 300 60 2592000 60\n";
  let served: { body: string; signature: string };
  let server: Server;
  let url: string;
  const out = join(dir, "rpz.decree.zone");

  before(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { "decree-signature": `ed25519 0123456789abcdef ${served.signature}` });
      response.end(served.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feeds/rpz`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const signed = (body: string) => ({
    body,
    signature: sign(null, Buffer.from(body), privateKey).toString("base64"),
  });
  const fetchOnce = () =>
    run("sh", [fetchScript, "--url", url, "--key", raw, "--out", out]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it("replaces the file with a download whose signature verifies", async () => {
    served = signed(`${zone}a.example CNAME .\n`);
    assert.deepEqual(await fetchOnce(), { code: 0, stderr: "" });
    assert.equal(readFileSync(out, "utf8"), served.body);
  });

  it("keeps the old file when the signature does not verify, or the download is not a whole zone", async () => {
    writeFileSync(out, zone);
    served = { ...signed(`${zone}b.example CNAME .\n`), body: `${zone}c.example CNAME .\n` };
    const forged = await fetchOnce();
    assert.equal(forged.code, 1);
    assert.match(forged.stderr, /signature does not verify: old file kept/);
    served = signed(`${zone}d.example CNAME`);
    const cut = await fetchOnce();
    assert.match(cut.stderr, /not a whole zone: old file kept/);
    served = signed("<html>maintenance</html>\n");
    assert.match((await fetchOnce()).stderr, /not a whole zone/);
    assert.equal(readFileSync(out, "utf8"), zone);
  });
});
