import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freePort } from "../../test/support/free-port.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { openStore } from "./open-store.ts";
import { storeOpenError } from "./store-open-error.ts";

describe("opening the store", () => {
  it("refuses a PostgreSQL server that does not answer with STORE_UNREACHABLE, naming where it looked", async () => {
    // A port nobody listens on, on loopback: the connection is refused at once.
    const url = `postgres://decree@127.0.0.1:${await freePort()}/decree`;
    await assert.rejects(openStore({ databaseUrl: url }), (error: unknown) => {
      assert.ok(error instanceof DecreeError && error.code === "STORE_UNREACHABLE");
      assert.match(error.message, /DATABASE_URL/);
      return true;
    });
  });

  it("names a failure it cannot place STORE_UNAVAILABLE, with where it looked", () => {
    const error = storeOpenError(new Error("disk I/O trouble"), "/srv/decree/decree.db", "sqlite");
    assert.equal(error.code, "STORE_UNAVAILABLE");
    assert.match(error.message, /\/srv\/decree\/decree\.db/);
  });
});
