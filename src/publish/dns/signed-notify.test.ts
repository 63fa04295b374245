// NOTIFY with TSIG (RFC 1996, RFC 8945) both ways: decree's NOTIFY to a real NSD that requires the key, what
// counts as acknowledged, and the primary's signed answers to signed requests it refuses or does not serve.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { queryMessage, rcodeOf, udpExchange } from "../../../test/support/dns-wire.ts";
import { freePort } from "../../../test/support/free-port.ts";
import {
  type NsdSecondary,
  startNsdSecondary as startNsd,
} from "../../../test/support/nsd-notify-secondary.ts";
import { pollUntil } from "../../../test/support/poll.ts";
import { approveTargets } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { buildRelease } from "../build-release.ts";
import { addOperator, notifyTargets, operatorKeys } from "../operators.ts";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import { ZoneSource } from "../zone-source.ts";
import { DnsPrimary } from "./dns-primary.ts";
import { HeaderFlag } from "./message-writer.ts";
import { type NotifyOutcome, NotifySender } from "./notify-sender.ts";
import { signMessage, type TsigKey, verifyMessage } from "./tsig.ts";

const policy = defaultRpzPolicy;
const opcodeNotify = 4;

describe("a signed NOTIFY to NSD, which requires the operator's key", () => {
  let opened: StoreUnderTest;
  let primary: DnsPrimary;
  let nsd: NsdSecondary;
  let key: TsigKey;
  const outcomes: NotifyOutcome[] = [];
  let sender: NotifySender;

  before(async () => {
    opened = await storeEngines[0]!.open();
    const { store } = opened;
    await approveTargets(store, ["first.fifostream.tv"]);
    await buildRelease(store.db, store.dialect, policy, duringOrder);
    const nsdPort = await freePort();
    const { secret } = await addOperator(
      store.db,
      { name: "Orange", notify: [`127.0.0.1:${nsdPort}`] },
      { actor: "test", now: duringOrder },
    );
    primary = new DnsPrimary({
      host: "127.0.0.1",
      port: 0,
      zone: new ZoneSource(store.db),
      policy,
      access: { keys: () => operatorKeys(store.db), allowed: async () => [] },
      accessCacheMs: 0,
    });
    const dns = await primary.start();
    const [target] = await notifyTargets(store.db);
    assert.ok(target?.key, "an operator with a TSIG key is notified with it");
    key = target.key;
    nsd = await startNsd({
      port: nsdPort,
      zone: policy.zone,
      primary: dns,
      key: { name: key.name, secret: secret! },
    });
    sender = new NotifySender(policy, {
      firstTimeoutMs: 100,
      attempts: 3,
      onNotifyOutcome: (o) => outcomes.push(o),
    });
  });

  after(async () => {
    sender?.close();
    await nsd?.stop();
    await primary?.close();
    await opened?.dispose();
  });

  it("is acknowledged, and NSD transfers the new serial at once", async () => {
    const { store } = opened;
    const first = await pollUntil("NSD's first transfer", () => nsd.serial(), { timeoutMs: 10_000 });
    await approveTargets(store, ["second.fifostream.tv"]);
    const next = await buildRelease(store.db, store.dialect, policy, duringOrder);
    assert.ok(next && next.soaSerial !== first);
    // As the service does: the primary serves the release before the NOTIFY names it.
    await primary.invalidate();
    const [target] = await notifyTargets(store.db);
    const outcome = await sender.notify(target!, next.soaSerial);
    assert.deepEqual([outcome.acknowledged, outcome.rcode, outcome.attempts], [true, "NOERROR", 1]);
    assert.equal(outcome.target.operator, "Orange");
    // NSD's refresh is 5 minutes: only the NOTIFY explains a transfer within seconds.
    await pollUntil(
      `NSD to serve serial ${next.soaSerial}`,
      async () => ((await nsd.serial()) === next.soaSerial ? true : undefined),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    assert.ok(outcomes.includes(outcome), "the outcome reached onNotifyOutcome");
  });

  it("without the key is refused by NSD, retried, and not counted as acknowledged", async () => {
    const outcome = await sender.notify({ host: "127.0.0.1", port: nsd.port }, 1);
    assert.equal(outcome.acknowledged, false);
    assert.equal(outcome.attempts, 3, "retried a limited number of times (RFC 1996 §3.6)");
    assert.ok(["REFUSED", "NOTAUTH"].includes(outcome.rcode), `NSD answered ${outcome.rcode}`);
  });
});

/** A secondary on 127.0.0.1 that answers every NOTIFY with `answer(request)`. */
async function secondary(answer: (request: Buffer) => Buffer) {
  const socket = createSocket("udp4");
  let received = 0;
  socket.on("message", (message, remote) => {
    received++;
    socket.send(answer(message), remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, received: () => received, close: () => socket.close() };
}

function notifyAnswer(request: Buffer, rcode: number): Buffer {
  return dnsPacket.encode({
    type: "response",
    id: request.readUInt16BE(0),
    flags: (opcodeNotify << 11) | HeaderFlag.AA | rcode,
    questions: dnsPacket.decode(request).questions ?? [],
  });
}

describe("what counts as an acknowledged NOTIFY", { concurrency: true }, () => {
  const key: TsigKey = { name: "k.xfer.decree", algorithm: "hmac-sha256", secret: Buffer.alloc(32, 7) };
  const sender = new NotifySender(policy, { firstTimeoutMs: 50, attempts: 4 });
  after(() => sender.close());

  it("a REFUSED answer is retried with backoff and never counts", async () => {
    const target = await secondary((request) => notifyAnswer(request, 5));
    try {
      const started = performance.now();
      const outcome = await sender.notify({ host: "127.0.0.1", port: target.port }, 3);
      assert.deepEqual([outcome.acknowledged, outcome.rcode, outcome.attempts], [false, "REFUSED", 4]);
      assert.equal(target.received(), 4);
      // 50 + 100 + 200 ms of waits between the four attempts, though each answer came at once.
      assert.ok(performance.now() - started >= 330, "the retries waited");
    } finally {
      target.close();
    }
  });

  it("to a signed NOTIFY, an unsigned NOERROR does not count, a signed one does", async () => {
    const unsigned = await secondary((request) => notifyAnswer(request, 0));
    const signed = await secondary((request) => {
      const verified = verifyMessage(request, { keys: (name) => (name === key.name ? key : undefined) });
      assert.equal(verified.status, "valid", "the NOTIFY carries a valid TSIG");
      return signMessage(notifyAnswer(request, 0), key, {
        requestMac: verified.status === "valid" ? verified.mac : undefined,
      }).message;
    });
    try {
      const ignored = await sender.notify({ host: "127.0.0.1", port: unsigned.port, key }, 4);
      assert.deepEqual([ignored.acknowledged, ignored.rcode], [false, "UNSIGNED"]);
      const taken = await sender.notify({ host: "127.0.0.1", port: signed.port, key }, 4);
      assert.deepEqual([taken.acknowledged, taken.rcode, taken.attempts], [true, "NOERROR", 1]);
    } finally {
      unsigned.close();
      signed.close();
    }
  });
});

describe("the primary's answers to signed requests it does not serve", () => {
  let opened: StoreUnderTest;
  let primary: DnsPrimary;
  let port = 0;
  const key: TsigKey = { name: "k.xfer.decree", algorithm: "hmac-sha256", secret: Buffer.alloc(32, 9) };
  const keys = (name: string) => (name === key.name ? key : undefined);

  before(async () => {
    opened = await storeEngines[0]!.open();
    primary = new DnsPrimary({
      host: "127.0.0.1",
      port: 0,
      zone: new ZoneSource(opened.store.db),
      policy,
      access: {
        keys: async () => new Map([[key.name, { operator: "K", secret: key.secret }]]),
        allowed: async () => [],
      },
    });
    ({ port } = await primary.start());
  });
  after(async () => {
    await primary?.close();
    await opened?.dispose();
  });

  it("refuses a validly signed query for another zone with a signed REFUSED (RFC 8945 §5.3)", async () => {
    const request = signMessage(queryMessage("example.org", "SOA"), key);
    const reply = await udpExchange(port, request.message);
    assert.ok(reply);
    assert.equal(rcodeOf(reply), 5);
    assert.equal(verifyMessage(reply, { keys, requestMac: request.mac }).status, "valid");
  });

  it("answers a signed NOTIFY with a signed NOTIMP: decree is the zone's only source", async () => {
    const notify = dnsPacket.encode({
      type: "query",
      id: 77,
      flags: (opcodeNotify << 11) | HeaderFlag.AA,
      questions: [{ name: policy.zone, type: "SOA", class: "IN" }],
    });
    const request = signMessage(notify, key);
    const reply = await udpExchange(port, request.message);
    assert.ok(reply);
    assert.deepEqual([(reply[2]! >> 3) & 0x0f, reply[2]! & 0x80, rcodeOf(reply)], [opcodeNotify, 0x80, 4]);
    assert.equal(verifyMessage(reply, { keys, requestMac: request.mac }).status, "valid");
  });

  it("answers BADTIME to a signature outside 300 s, whatever larger fudge it claims", async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = signMessage(queryMessage(policy.zone, "SOA"), key, { time: now - 600, fudge: 3600 });
    const reply = await udpExchange(port, stale.message);
    assert.ok(reply);
    assert.equal(rcodeOf(reply), 9, "NOTAUTH (RFC 8945 §5.2.3)");
    // The BADTIME answer carries the request's own time, the server's in Other Data (RFC 8945 §5.2.3).
    const verified = verifyMessage(reply, { keys, requestMac: stale.mac, now: now - 600 });
    assert.ok(verified.status === "valid" && verified.peerError === 18, "signed, with the BADTIME error");
    const fresh = signMessage(queryMessage(policy.zone, "SOA"), key, { time: now - 200, fudge: 3600 });
    const answered = await udpExchange(port, fresh.message);
    assert.equal(rcodeOf(answered!), 0, "within 300 s it is served");
  });
});
