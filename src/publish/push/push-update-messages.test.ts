import assert from "node:assert/strict";
import { describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { pushUpdateMessages, type UpdateRecord } from "./push-update-messages.ts";

const zone = "rpz.decree";
const cname = (owner: string, target: string): UpdateRecord => ({
  name: `${owner}.${zone}`,
  type: "CNAME",
  class: "IN",
  ttl: 60,
  data: target,
});

/** The update section's records: owner, class and TTL, read straight from the wire (RFC 2136 §2.5). */
function updates(message: Buffer): Array<[string, number, number]> {
  const records: Array<[string, number, number]> = [];
  let offset = 12;
  for (; message[offset] !== 0; offset += (message[offset] ?? 0) + 1);
  offset += 5;
  for (let index = 0; index < message.readUInt16BE(8); index += 1) {
    const labels: string[] = [];
    for (; message[offset] !== 0; offset += (message[offset] ?? 0) + 1) {
      labels.push(message.toString("latin1", offset + 1, offset + 1 + (message[offset] ?? 0)));
    }
    offset += 1;
    records.push([labels.join("."), message.readUInt16BE(offset + 2), message.readUInt32BE(offset + 4)]);
    offset += 10 + message.readUInt16BE(offset + 8);
  }
  assert.equal(offset, message.length);
  return records;
}

describe("DNS UPDATE messages for a release", () => {
  it("writes opcode UPDATE, the zone as an SOA question, deletions as class NONE with TTL 0", () => {
    const [message, ...rest] = pushUpdateMessages(
      zone,
      { removals: [cname("old.example", ".")], additions: [cname("new.example", "*.")] },
      { maxOctets: 16_000, nextId: () => 4242 },
    );
    assert.equal(rest.length, 0);
    assert.ok(message);
    assert.equal(message.readUInt16BE(0), 4242);
    assert.equal((message.readUInt16BE(2) >> 11) & 0xf, 5);
    assert.deepEqual([message.readUInt16BE(4), message.readUInt16BE(6), message.readUInt16BE(10)], [1, 0, 0]);
    assert.deepEqual(dnsPacket.decode(message).questions, [{ name: zone, type: "SOA", class: "IN" }]);
    assert.deepEqual(updates(message), [
      [`old.example.${zone}`, 254, 0],
      [`new.example.${zone}`, 1, 60],
    ]);
  });

  it("splits a large release into messages under the limit, never splitting one owner's changes", () => {
    const owners = Array.from({ length: 600 }, (_, index) => `name-${index}.example`);
    const messages = pushUpdateMessages(
      zone,
      {
        removals: owners.map((owner) => cname(owner, ".")),
        additions: owners.map((owner) => cname(owner, "*.")),
      },
      { maxOctets: 4000, nextId: () => 1 },
    );
    assert.ok(messages.length >= 10, `${messages.length} messages`);
    const seen = new Map<string, number>();
    for (const [index, message] of messages.entries()) {
      assert.ok(message.length <= 4000, `message ${index} has ${message.length} octets`);
      const records = updates(message);
      for (const [name, klass] of records) {
        assert.equal(seen.get(name) ?? index, index, `${name} is in two messages`);
        seen.set(name, index);
        // Within a message, each owner's deletion comes before its addition.
        if (klass === 1) assert.ok(records.some(([other, c]) => other === name && c === 254));
      }
      const order = records.map(([name, klass]) => `${name} ${klass}`);
      for (const [name] of records) assert.ok(order.indexOf(`${name} 254`) < order.indexOf(`${name} 1`));
    }
    assert.equal(seen.size, 600);
  });
});
