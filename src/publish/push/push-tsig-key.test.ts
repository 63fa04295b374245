import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { parseBindKeyClause, pushTsigKey } from "./push-tsig-key.ts";

const run = promisify(execFile);
const secret = Buffer.alloc(32, 9).toString("base64");

describe("the TSIG key for pushing to an external primary", () => {
  it("reads the key clause that tsig-keygen writes, with the secret it printed", async () => {
    const { stdout } = await run("/usr/sbin/tsig-keygen", ["-a", "hmac-sha256", "Push-Key."]);
    const printed = /secret "([^"]+)"/.exec(stdout)?.[1];
    const key = parseBindKeyClause(stdout);
    assert.equal(key.name, "push-key");
    assert.equal(key.algorithm, "hmac-sha256");
    assert.equal(key.secret.toString("base64"), printed);
    assert.equal(key.secret.length, 32);
  });

  it("picks the named key among several and ignores commented-out clauses", () => {
    const text = [
      `# key "old" { algorithm hmac-sha256; secret "${secret}"; };`,
      `key "a" { algorithm hmac-sha256; secret "${secret}"; };`,
      `/* key "b" { algorithm hmac-md5; secret "x"; }; */`,
      `key b { algorithm "hmac-sha256"; secret "${Buffer.alloc(32, 1).toString("base64")}"; }; // new`,
    ].join("\n");
    assert.deepEqual(parseBindKeyClause(text, "b").secret, Buffer.alloc(32, 1));
    assert.throws(() => parseBindKeyClause(text), {
      code: "PUSH_KEY_INVALID",
      message: /several keys \(a, b\)/,
    });
    assert.throws(() => parseBindKeyClause(text, "old"), {
      code: "PUSH_KEY_INVALID",
      message: /no key "old"/,
    });
  });

  it("refuses an algorithm decree does not sign with, naming the one to use", () => {
    const text = `key "md5" { algorithm hmac-md5; secret "${secret}"; };`;
    assert.throws(() => parseBindKeyClause(text), {
      code: "PUSH_KEY_INVALID",
      message: /uses hmac-md5; decree signs with hmac-sha256 only/,
    });
  });

  it("refuses a secret that is not base64 and a name that is not a domain name", () => {
    assert.throws(() => pushTsigKey("push-key", "not base64!"), {
      code: "PUSH_KEY_INVALID",
      message: /not base64/,
    });
    assert.throws(() => pushTsigKey("push key", secret), {
      code: "PUSH_KEY_INVALID",
      message: /not a domain name/,
    });
    assert.equal(pushTsigKey("Push-Key.", secret).name, "push-key");
  });
});
