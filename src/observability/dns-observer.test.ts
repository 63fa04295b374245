import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DnsObserver } from "./dns-observer.ts";
import { notifyAcknowledged, notifyFailed, notifySent } from "./metrics.ts";
import { PeerNames } from "./peer-names.ts";

const operators = async () => [
  { name: "isp-a", allow: ["192.0.2.53"], notify: [{ host: "192.0.2.53", port: 53 }] },
];

async function count(
  counter: typeof notifyFailed | typeof notifyAcknowledged,
  labels: Record<string, string>,
) {
  const { values } = await counter.get();
  return values
    .filter((v) =>
      Object.entries(labels).every(([key, value]) => (v.labels as Record<string, unknown>)[key] === value),
    )
    .reduce((sum, v) => sum + v.value, 0);
}

describe("the NOTIFY outcomes in the metrics", () => {
  it("counts an answer with RCODE REFUSED as failed, whatever the sender made of it", async () => {
    const observer = new DnsObserver(new PeerNames(operators));
    const labels = { operator: "isp-a", secondary: "192.0.2.53:53" };
    const before = await count(notifyFailed, { ...labels, reason: "REFUSED" });
    const acknowledgedBefore = await count(notifyAcknowledged, labels);
    await observer.notified({
      target: { host: "192.0.2.53", port: 53 },
      serial: 7,
      acknowledged: true,
      attempts: 1,
      rcode: 5,
    });
    assert.equal(await count(notifyFailed, { ...labels, reason: "REFUSED" }), before + 1);
    assert.equal(await count(notifyAcknowledged, labels), acknowledgedBefore);
  });

  it("counts a NOERROR answer as acknowledged and every retry as sent", async () => {
    const observer = new DnsObserver(new PeerNames(operators));
    const labels = { operator: "isp-a", secondary: "192.0.2.53:53" };
    const sent = await count(notifySent, labels);
    const acknowledged = await count(notifyAcknowledged, labels);
    await observer.notified({
      target: { host: "192.0.2.53", port: 53 },
      serial: 8,
      acknowledged: true,
      attempts: 3,
      rcode: "NOERROR",
    });
    assert.equal(await count(notifySent, labels), sent + 3);
    assert.equal(await count(notifyAcknowledged, labels), acknowledged + 1);
  });
});

describe("peer names", () => {
  it("names a peer by the operator whose address rule it transferred under, else by its address", async () => {
    const peers = new PeerNames(operators);
    assert.deepEqual(await peers.ofTransfer("192.0.2.53", "address 192.0.2.53"), {
      peer: "isp-a",
      operator: "isp-a",
    });
    assert.deepEqual(await peers.ofTransfer("::ffff:198.51.100.7", undefined), { peer: "198.51.100.7" });
    assert.deepEqual(await peers.ofTransfer("203.0.113.9", "key isp-b"), {
      peer: "isp-b",
      operator: "isp-b",
    });
  });

  it("stops giving addresses a label of their own past 64, so that a scan cannot grow the series", () => {
    const peers = new PeerNames(operators);
    for (let i = 0; i < 64; i++) assert.equal(peers.address(`198.51.100.${i}`), `198.51.100.${i}`);
    assert.equal(peers.address("203.0.113.1"), "other");
    assert.equal(peers.address("198.51.100.3"), "198.51.100.3");
  });
});
