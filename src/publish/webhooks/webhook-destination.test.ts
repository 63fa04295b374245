import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DecreeError } from "../../errors/decree-error.ts";
import {
  isPublicAddress,
  privateDestination,
  refuseLiteralPrivateDestination,
} from "./webhook-destination.ts";

describe("where webhooks may go", () => {
  it("calls only globally routable unicast addresses", () => {
    for (const address of ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]) {
      assert.equal(isPublicAddress(address), true, address);
    }
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "0.0.0.0",
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });

  it("refuses at registration a URL naming loopback, a private address, cloud metadata or localhost", () => {
    for (const url of [
      "http://127.0.0.1:8080/",
      "https://[::1]/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.7/",
      "http://localhost:3000/",
      "http://api.localhost/",
    ]) {
      assert.throws(
        () => refuseLiteralPrivateDestination(new URL(url)),
        (error: unknown) => error instanceof DecreeError && error.code === "WEBHOOK_INVALID",
        url,
      );
    }
    refuseLiteralPrivateDestination(new URL("https://hooks.orange.example/decree"));
    refuseLiteralPrivateDestination(new URL("https://93.184.215.14/decree"));
  });

  it("refuses at delivery a name that resolves to a private address", async () => {
    assert.match((await privateDestination(new URL("http://localhost:9/"))) ?? "", /not a public address/);
    assert.equal(await privateDestination(new URL("https://93.184.215.14/")), null);
  });
});
