import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ServedSerial, servedSerialFileName } from "./served-serial.ts";

describe("the last served serial of a data folder", async () => {
  const dir = await mkdtemp(join(tmpdir(), "decree-served-"));
  after(() => rm(dir, { recursive: true, force: true }));

  it("is unknown in a new folder, then keeps the greatest serial in RFC 1982 order", async () => {
    const served = new ServedSerial(dir);
    assert.equal(await served.load(), undefined);
    await served.record(2 ** 32 - 2);
    await served.record(5); // past the wrap: greater
    await served.record(3); // behind: kept out
    const again = new ServedSerial(dir);
    assert.equal(await again.load(), 5);
    assert.equal(JSON.parse(await readFile(join(dir, servedSerialFileName), "utf8")).serial, 5);
  });

  it("refuses a file it cannot read rather than guess a serial", async () => {
    for (const text of ["{not json", '{"serial": -1}', '{"serial": "12"}', `{"serial": ${2 ** 32}}`]) {
      await writeFile(join(dir, servedSerialFileName), text);
      await assert.rejects(new ServedSerial(dir).load(), { code: "SERIAL_STATE_UNREADABLE" }, text);
    }
  });
});
