// NOTIFY (RFC 1996) as a secondary sees it: a UDP listener that records each datagram and answers when told.
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { after, describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import { HeaderFlag } from "./message-writer.ts";
import { type NotifyOutcome, NotifySender } from "./notify-sender.ts";

const opcodeNotify = 4;

interface Received {
  message: Buffer;
  at: number;
  port: number;
}

/** A secondary on 127.0.0.1: `reply` decides, per NOTIFY received (1, 2, …), what it sends back. */
async function secondary(reply: (attempt: number, request: Buffer) => Buffer[]) {
  const socket: Socket = createSocket("udp4");
  const received: Received[] = [];
  socket.on("message", (message, remote) => {
    received.push({ message, at: performance.now(), port: remote.port });
    for (const answer of reply(received.length, message)) socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  return { port, received, close: () => socket.close() };
}

/** The answer a secondary gives (RFC 1996 §4.7): the NOTIFY's ID, opcode and question, QR set, no answer. */
function acknowledgement(request: Buffer, overrides: { id?: number; qr?: boolean } = {}): Buffer {
  return dnsPacket.encode({
    type: overrides.qr === false ? "query" : "response",
    id: overrides.id ?? request.readUInt16BE(0),
    flags: (opcodeNotify << 11) | HeaderFlag.AA,
    questions: dnsPacket.decode(request).questions ?? [],
  });
}

describe("NOTIFY to secondaries", { concurrency: true }, () => {
  const sender = new NotifySender(defaultRpzPolicy);
  const outcomes: NotifyOutcome[] = [];
  sender.on("notified", (outcome) => outcomes.push(outcome));
  after(() => sender.close());

  it("sends opcode NOTIFY with AA, the zone's SOA as its question and the new serial as a hint", async () => {
    const target = await secondary((_, request) => [acknowledgement(request)]);
    try {
      const outcome = await sender.notify({ host: "127.0.0.1", port: target.port }, 4242);
      assert.deepEqual([outcome.acknowledged, outcome.attempts, outcome.serial], [true, 1, 4242]);
      assert.equal(target.received.length, 1);
      const message = target.received[0]!.message;
      assert.equal((message[2]! >> 3) & 0x0f, opcodeNotify, "opcode 4 (RFC 1996 §3.1)");
      assert.equal(message[2]! & 0x80, 0, "a request: QR clear");
      assert.equal(message.readUInt16BE(2) & HeaderFlag.AA, HeaderFlag.AA, "AA set (RFC 1996 §3.7)");
      const decoded = dnsPacket.decode(message);
      assert.deepEqual(
        decoded.questions?.map((q) => [q.name, q.type, q.class]),
        [[defaultRpzPolicy.zone, "SOA", "IN"]],
      );
      const soa = decoded.answers?.[0];
      assert.ok(soa?.type === "SOA", "the SOA in the answer section");
      assert.deepEqual([soa.name, soa.data.serial], [defaultRpzPolicy.zone, 4242]);
      assert.ok(
        outcomes.some((o) => o.target.port === target.port && o.acknowledged),
        "the notified event",
      );
    } finally {
      target.close();
    }
  });

  it("retries a secondary that does not answer, waiting longer each time, 5 times in all", async () => {
    const target = await secondary(() => []);
    try {
      const outcome = await sender.notify({ host: "127.0.0.1", port: target.port }, 7);
      assert.deepEqual([outcome.acknowledged, outcome.attempts], [false, 5]);
      assert.equal(target.received.length, 5);
      const ids = new Set(target.received.map((r) => r.message.readUInt16BE(0)));
      assert.equal(ids.size, 1, "every retry is the same NOTIFY, with the same ID");
      const gaps = target.received.slice(1).map((r, i) => r.at - target.received[i]!.at);
      for (const [index, gap] of gaps.entries()) {
        assert.ok(gap >= 250 * 2 ** index - 20, `wait ${index + 1}: ${Math.round(gap)} ms`);
      }
    } finally {
      target.close();
    }
  });

  it("stops as soon as the secondary answers with the NOTIFY's ID", async () => {
    const target = await secondary((attempt, request) => (attempt === 3 ? [acknowledgement(request)] : []));
    try {
      const outcome = await sender.notify({ host: "127.0.0.1", port: target.port }, 8);
      assert.deepEqual([outcome.acknowledged, outcome.attempts], [true, 3]);
      // The fourth attempt would have come 1 s after the third.
      await new Promise((resolve) => setTimeout(resolve, 1300));
      assert.equal(target.received.length, 3);
    } finally {
      target.close();
    }
  });

  it("takes neither another ID nor a request with the same ID as the answer", async () => {
    const target = await secondary((attempt, request) => {
      const id = request.readUInt16BE(0);
      if (attempt === 1) {
        return [acknowledgement(request, { id: (id + 1) & 0xffff }), acknowledgement(request, { qr: false })];
      }
      return [acknowledgement(request)];
    });
    try {
      const outcome = await sender.notify({ host: "127.0.0.1", port: target.port }, 9);
      assert.deepEqual([outcome.acknowledged, outcome.attempts], [true, 2]);
    } finally {
      target.close();
    }
  });

  it("notifies every target of a release, each on its own", async () => {
    const answering = await secondary((_, request) => [acknowledgement(request)]);
    const alsoAnswering = await secondary((attempt, request) =>
      attempt === 2 ? [acknowledgement(request)] : [],
    );
    try {
      const results = await sender.notifyAll(
        [
          { host: "127.0.0.1", port: answering.port },
          { host: "127.0.0.1", port: alsoAnswering.port },
        ],
        10,
      );
      assert.deepEqual(
        results.map((r) => [r.target.port, r.acknowledged, r.attempts]),
        [
          [answering.port, true, 1],
          [alsoAnswering.port, true, 2],
        ],
      );
    } finally {
      answering.close();
      alsoAnswering.close();
    }
  });
});
