import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../../../test/support/run-cli.ts";
import { registrySigningKey, verifySignature } from "../../publish/signing-key.ts";
import { openStore } from "../../store/open-store.ts";

describe("decree keys", () => {
  let dir: string;
  const keys = (...args: string[]) => runCli(["--data", dir, ...args, "keys"]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-keys-"));
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it("prints the registry's public key and key id as JSON, the same on every run", async () => {
    const first = await keys("--json");
    assert.equal(first.code, 0, first.stderr);
    const shown = JSON.parse(first.stdout);
    assert.equal(shown.algorithm, "ed25519");
    assert.match(shown.keyId, /^[0-9a-f]{16}$/);
    assert.equal(Buffer.from(shown.publicKey, "base64").length, 32);
    assert.deepEqual(JSON.parse((await keys("--json")).stdout), shown);
  });

  it("shows the key that signs the registry's feeds", async () => {
    const shown = JSON.parse((await keys("--json")).stdout);
    const store = await openStore({ dataDir: dir });
    try {
      const key = await registrySigningKey(store.db);
      const data = Buffer.from("allostreaming.com\n");
      assert.ok(verifySignature(shown.publicKey, data, key.sign(data)));
    } finally {
      await store.close();
    }
  });

  it("prints the key for people without --json", async () => {
    const { code, stdout } = await keys();
    assert.equal(code, 0);
    assert.match(stdout, /^key id {6}[0-9a-f]{16}$/m);
    assert.match(stdout, /^public key {2}\S{44} {2}\(ed25519, raw, base64\)$/m);
  });
});
