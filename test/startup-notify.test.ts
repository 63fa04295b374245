import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { loadConfig } from "../src/config/load-config.ts";
import { startService } from "../src/main.ts";
import { addOperator } from "../src/publish/operators.ts";

/** A secondary's NOTIFY port: every NOTIFY it receives, answered NOERROR as a secondary would (RFC 1996 §3.7). */
async function notifyListener() {
  const socket = createSocket("udp4");
  const received: Buffer[] = [];
  socket.on("message", (message, remote) => {
    received.push(message);
    // The same message with QR set and RCODE 0: NOERROR, what the sender counts as an acknowledgment.
    const answer = Buffer.from(message);
    answer[2] = (answer[2] ?? 0) | 0x80;
    answer[3] = (answer[3] ?? 0) & 0xf0;
    socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, received, close: () => socket.close() };
}

describe("a restart with nothing new to release", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-startup-notify-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("tells every secondary the zone's SOA serial again, in case a crash came before the last NOTIFY", async () => {
    const listener = await notifyListener();
    const config = loadConfig(
      { data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0" },
      {},
    );
    const first = await startService(config);
    await addOperator(
      first.store.db,
      { name: "restart-secondary", notify: [`127.0.0.1:${listener.port}`], tsig: false },
      { actor: "test:startup-notify", now: new Date() },
    );
    const soaSerial = first.publication.first?.soaSerial;
    await first.close();
    listener.received.length = 0;

    const second = await startService(config);
    try {
      assert.equal(second.publication.first, null, "the restart released nothing new");
      const deadline = Date.now() + 10_000;
      while (listener.received.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const message = listener.received[0];
      assert.ok(message, "a NOTIFY arrived after the restart");
      assert.equal(((message[2] ?? 0) >> 3) & 0x0f, 4, "opcode NOTIFY (RFC 1996 §3.1)");
      const soa = dnsPacket.decode(message).answers?.find((answer) => answer.type === "SOA");
      assert.ok(soa && soa.type === "SOA");
      assert.equal(soa.data.serial, soaSerial, "the SOA serial, not the release number");
    } finally {
      await second.close();
      listener.close();
    }
  });
});
