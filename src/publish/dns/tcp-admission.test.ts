import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TcpAdmission } from "./tcp-admission.ts";
import { tcpConnectionLimits } from "./tcp-connection-limits.ts";

const limits = {
  ...tcpConnectionLimits(1024),
  maxConnections: 6,
  reservedConnections: 2,
  maxConnectionsPerClient: 2,
};

function table() {
  const admission = new TcpAdmission<string>(limits);
  const busy = new Set<string>();
  const closed: string[] = [];
  const admit = (name: string, address: string, reserved = false) =>
    admission.admit(
      name,
      address,
      reserved,
      (other) => !busy.has(other),
      (other) => closed.push(other),
    );
  return { admission, busy, closed, admit };
}

describe("TCP connection admission", () => {
  it("takes at most maxConnectionsPerClient from one client, and counts an IPv6 /64 as one client", () => {
    const { admit } = table();
    assert.equal(admit("a", "192.0.2.1"), undefined);
    assert.equal(admit("b", "192.0.2.1"), undefined);
    assert.equal(admit("c", "192.0.2.1"), "per-client");
    assert.equal(admit("d", "2001:db8::1"), undefined);
    assert.equal(admit("e", "2001:db8::2"), undefined);
    assert.equal(admit("f", "2001:db8::3"), "per-client");
  });

  it("makes room in the public share by closing the longest-idle connection, never a busy one", () => {
    const { admission, busy, closed, admit } = table();
    for (const [name, address] of [
      ["a", "192.0.2.1"],
      ["b", "192.0.2.2"],
      ["c", "192.0.2.3"],
      ["d", "192.0.2.4"],
    ]) {
      assert.equal(admit(name!, address!), undefined);
    }
    admission.touch("a");
    busy.add("b");
    assert.equal(admit("e", "192.0.2.5"), undefined);
    assert.deepEqual(closed, ["c"], "a was active last, b is busy");
    busy.add("d");
    busy.add("a");
    busy.add("e");
    assert.equal(admit("f", "192.0.2.6"), "full");
  });

  it("keeps the reserved share for transfer-allowed addresses, which are not capped per client", () => {
    const { admission, busy, admit } = table();
    for (const name of ["a", "b", "c", "d"]) {
      busy.add(name);
      assert.equal(admit(name, `192.0.2.${name.charCodeAt(0)}`), undefined);
    }
    assert.equal(admit("p", "192.0.2.200"), "full", "the public share is taken");
    assert.equal(admit("s1", "127.0.0.1", true), undefined);
    assert.equal(admit("s2", "127.0.0.1", true), undefined);
    assert.equal(admit("s3", "127.0.0.1", true), "full");
    assert.deepEqual(admission.counts(), { total: 6, reserved: 2, clients: 4 });
    admission.release("a");
    assert.equal(admit("s3", "127.0.0.1", true), undefined, "a secondary may use the public share too");
  });
});
