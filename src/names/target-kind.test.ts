import assert from "node:assert/strict";
import { test } from "node:test";
import { isTargetKind, targetKinds } from "./target-kind.ts";

test("knows the five target kinds", () => {
  assert.deepEqual([...targetKinds], ["fqdn", "domain", "url", "ip", "cidr"]);
  for (const kind of targetKinds) assert.ok(isTargetKind(kind));
});

test("rejects anything else as a kind", () => {
  for (const kind of ["", "FQDN", "host", "ipv4", "constructor", "toString"])
    assert.equal(isTargetKind(kind), false);
});
