import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DecreeError } from "../../errors/decree-error.ts";
import { registryVerifier } from "./checkpoint-key.ts";

describe("the registry's key as a user gives it to decree verify", () => {
  it("takes the raw 32-byte Ed25519 key in base64 that decree keys prints", () => {
    const verifier = registryVerifier(Buffer.alloc(32, 7).toString("base64"), "registry.example.org/log");
    assert.equal(verifier.name, "registry.example.org/log");
  });

  it("refuses anything else with VERIFY_INPUT_INVALID, saying where the key is printed", () => {
    for (const key of ["not a key", Buffer.alloc(16).toString("base64"), ""]) {
      assert.throws(
        () => registryVerifier(key, "registry.example.org/log"),
        (error: unknown) =>
          error instanceof DecreeError &&
          error.code === "VERIFY_INPUT_INVALID" &&
          /decree keys/.test(error.message),
        key,
      );
    }
  });
});
