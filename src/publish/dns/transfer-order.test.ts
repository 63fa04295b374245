import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { zoneKeySeparator } from "./served-zone.ts";
import { TransferOrder } from "./transfer-order.ts";

const key = (owner: string, type = "CNAME", data = ".") => [owner, type, data].join(zoneKeySeparator);

function inOrder(chunks: string[][]): string[] {
  // Each chunk packed as the served zone stores it: UTF-8 octets end to end, and where each key ends.
  const packed = chunks.map((keys) => {
    const parts = keys.map((k) => Buffer.from(k));
    let end = 0;
    return { bytes: Buffer.concat(parts), ends: Uint32Array.from(parts, (part) => (end += part.length)) };
  });
  const order = new TransferOrder({
    chunks: chunks.length,
    length: (chunk) => chunks[chunk]!.length,
    key: (chunk, index) => chunks[chunk]![index]!,
    octets: (chunk) => packed[chunk]!,
  });
  const out: string[] = [];
  for (let next = order.next(); next !== undefined; next = order.next()) out.push(next);
  return out;
}

function chunked(keys: string[], size: number): string[][] {
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const chunks: string[][] = [];
  for (let at = 0; at < sorted.length; at += size) chunks.push(sorted.slice(at, at + size));
  return chunks.length > 0 ? chunks : [[]];
}

describe("the order an AXFR sends a zone's keys in", () => {
  it("sends each wildcard right after its parent's first key, and every key once", () => {
    const keys = [
      key("a.com"),
      key("*.a.com"),
      key("b.com", "A", "192.0.2.1"),
      key("b.com", "AAAA", "2001:db8::1"),
      key("*.b.com", "A", "192.0.2.1"),
      key("*.b.com", "AAAA", "2001:db8::1"),
      key("*.orphan.net"),
      key("www.c.org"),
      key("*.zzz"),
      key("!odd"),
    ];
    for (const size of [1, 2, 3, 100]) {
      const out = inOrder(chunked(keys, size));
      assert.deepEqual([...out].sort(), [...keys].sort(), `chunks of ${size}: each key once`);
      const at = (k: string) => out.indexOf(k);
      assert.equal(at(key("*.a.com")), at(key("a.com")) + 1, `chunks of ${size}`);
      assert.equal(at(key("*.b.com", "A", "192.0.2.1")), at(key("b.com", "A", "192.0.2.1")) + 1);
      assert.equal(at(key("*.b.com", "AAAA", "2001:db8::1")), at(key("b.com", "A", "192.0.2.1")) + 2);
    }
  });

  it("gives every key of a zone with no wildcard, or only wildcards, or none", () => {
    assert.deepEqual(inOrder([[]]), []);
    const plain = [key("a.com"), key("b.com"), key("c.com")];
    assert.deepEqual(inOrder(chunked(plain, 2)), plain);
    const stars = [key("*.a.com"), key("*.b.com")];
    assert.deepEqual(inOrder(chunked(stars, 1)), stars);
  });

  it("keeps 100,000 random keys complete in any chunking", () => {
    const keys = new Set<string>();
    // Names with their wildcard, names alone and wildcards alone, interleaved.
    for (let i = 0; keys.size < 100_000; i++) {
      const name = `n${(i * 7919) % 100_003}.${["com", "net", "fr"][i % 3]}`;
      if (i % 3 !== 2) keys.add(key(name));
      if (i % 2 === 0) keys.add(key(`*.${name}`));
    }
    const all = [...keys];
    const out = inOrder(chunked(all, 1024));
    assert.equal(out.length, all.length);
    assert.equal(new Set(out).size, all.length);
  });
});
