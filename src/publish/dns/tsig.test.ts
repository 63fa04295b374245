import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import * as dnsPacket from "dns-packet";
import {
  readTsig,
  signMessage,
  type TsigInvalid,
  type TsigKey,
  type VerifyOptions,
  type VerifyResult,
  verifyMessage,
} from "./tsig.ts";
import { appendTsigError, tsigErrorResponse } from "./tsig-error-response.ts";
import { nameToWire, readWireName } from "./tsig-name.ts";
import { encodeTsigRecord, findTsigRecord } from "./tsig-record.ts";

const key: TsigKey = { name: "xfer-key", algorithm: "hmac-sha256", secret: Buffer.alloc(32, 7) };
const otherKey: TsigKey = { name: "xfer-key", algorithm: "hmac-sha256", secret: Buffer.alloc(32, 8) };
const time = 1_700_000_000;
const keys = (name: string) => (name === key.name ? key : undefined);
const at = (now: number, extra: Partial<VerifyOptions> = {}): VerifyOptions => ({ keys, now, ...extra });

function axfrQuery(id = 4242): Buffer {
  return dnsPacket.encode({
    type: "query",
    id,
    flags: 0,
    questions: [{ type: "AXFR", name: "rpz.example", class: "IN" }],
  });
}

function answer(id: number, text: string): Buffer {
  return dnsPacket.encode({
    type: "response",
    id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ type: "AXFR", name: "rpz.example", class: "IN" }],
    answers: [{ type: "TXT", name: "a.rpz.example", ttl: 60, data: text }],
  });
}

// The digest input spelt out octet by octet from RFC 8945 §4.3.3, independently of the code under test.
function expectedVariables(timeSigned: number, fudge: number, error = 0, other = Buffer.alloc(0)): Buffer {
  const owner = Buffer.from("\x08xfer-key\x00", "latin1");
  const algorithm = Buffer.from("\x0bhmac-sha256\x00", "latin1");
  const fixed = Buffer.alloc(6 + 2 + 2 + 2);
  fixed.writeUIntBE(timeSigned, 0, 6);
  fixed.writeUInt16BE(fudge, 6);
  fixed.writeUInt16BE(error, 8);
  fixed.writeUInt16BE(other.length, 10);
  return Buffer.concat([owner, Buffer.from([0, 255, 0, 0, 0, 0]), algorithm, fixed, other]);
}

function hmac(...parts: Buffer[]): Buffer {
  const mac = createHmac("sha256", key.secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

function lengthPrefixed(mac: Buffer): Buffer {
  return Buffer.concat([Buffer.from([mac.length >> 8, mac.length & 0xff]), mac]);
}

function rcodeOf(message: Buffer): number {
  return message.readUInt8(3) & 0x0f;
}

function invalid(result: VerifyResult): TsigInvalid {
  assert.equal(result.status, "invalid");
  return result as TsigInvalid;
}

// Rewrites the signed message's TSIG record with another MAC, to exercise truncation (§5.2.2.1).
function withMac(signed: Buffer, mac: Buffer): Buffer {
  const lookup = findTsigRecord(signed);
  assert.equal(lookup.kind, "found");
  if (lookup.kind !== "found") throw new Error("unreachable");
  return Buffer.concat([
    signed.subarray(0, lookup.record.start),
    encodeTsigRecord({ ...lookup.record, mac }),
  ]);
}

describe("signing a message with TSIG", () => {
  it("appends one TSIG record as the last additional record and counts it in ARCOUNT", () => {
    const query = axfrQuery();
    const { message } = signMessage(query, key, { time });
    assert.equal(message.readUInt16BE(10), 1);
    assert.deepEqual(message.subarray(0, 10), query.subarray(0, 10));
    const decoded = dnsPacket.decode(message);
    const record = decoded.additionals?.at(-1);
    assert.equal(record?.type, "TSIG");
    assert.equal(record?.name, "xfer-key");
    assert.equal(record?.class, "ANY");
    assert.equal(record?.ttl, 0);
  });

  it("writes the fields RFC 8945 §4.2 lists, with the message ID as original ID", () => {
    const { message, mac } = signMessage(axfrQuery(99), key, { time, fudge: 120 });
    assert.deepEqual(readTsig(message), {
      keyName: "xfer-key",
      algorithm: "hmac-sha256",
      time,
      fudge: 120,
      mac,
      originalId: 99,
      error: 0,
      otherData: Buffer.alloc(0),
    });
  });

  it("computes the MAC of a request over the message and all the TSIG variables (§4.3.3)", () => {
    const query = axfrQuery();
    const { mac } = signMessage(query, key, { time, fudge: 300 });
    assert.deepEqual(mac, hmac(query, expectedVariables(time, 300)));
  });

  it("puts the request MAC, length first, before the response in the digest (§4.3.2)", () => {
    const requestMac = signMessage(axfrQuery(), key, { time }).mac;
    const response = answer(4242, "first");
    const { mac } = signMessage(response, key, { time, requestMac });
    assert.deepEqual(mac, hmac(lengthPrefixed(requestMac), response, expectedVariables(time, 300)));
  });

  it("covers only the previous MAC, the message and the timers on later messages (§5.3.1)", () => {
    const previousMac = randomBytes(32);
    const response = answer(4242, "second");
    const { mac } = signMessage(response, key, { time, fudge: 300, previousMac });
    const timers = Buffer.from([0, 0, 0, 0, 0, 0, 1, 44]);
    timers.writeUIntBE(time, 0, 6);
    assert.deepEqual(mac, hmac(lengthPrefixed(previousMac), response, timers));
  });

  it("writes the key name lowercase, whatever case the key was configured in", () => {
    const upper: TsigKey = { ...key, name: "XFER-Key" };
    const { message, mac } = signMessage(axfrQuery(), upper, { time });
    assert.equal(readTsig(message)?.keyName, "xfer-key");
    assert.equal(verifyMessage(message, at(time)).status, "valid");
    assert.deepEqual(mac, signMessage(axfrQuery(), key, { time }).mac);
  });
});

describe("verifying a TSIG-signed message", () => {
  it("accepts a signed request and returns the key, the MAC and the time signed", () => {
    const signed = signMessage(axfrQuery(), key, { time });
    assert.deepEqual(verifyMessage(signed.message, at(time + 10)), {
      status: "valid",
      key,
      mac: signed.mac,
      time,
    });
  });

  it("says a message without TSIG is unsigned", () => {
    assert.deepEqual(verifyMessage(axfrQuery(), at(time)), { status: "unsigned" });
    assert.equal(readTsig(axfrQuery()), undefined);
  });

  it("accepts a response only with the MAC of the request it answers", () => {
    const requestMac = signMessage(axfrQuery(), key, { time }).mac;
    const { message } = signMessage(answer(4242, "x"), key, { time, requestMac });
    assert.equal(verifyMessage(message, at(time, { requestMac })).status, "valid");
    assert.equal(invalid(verifyMessage(message, at(time, { requestMac: randomBytes(32) }))).error, "BADSIG");
    assert.equal(invalid(verifyMessage(message, at(time))).error, "BADSIG");
  });

  it("verifies a chain of response messages, each with the MAC of the one before (§5.3.1)", () => {
    const requestMac = signMessage(axfrQuery(), key, { time }).mac;
    const chain: Buffer[] = [];
    let previousMac: Buffer | undefined;
    for (const text of ["one", "two", "three"]) {
      const options = previousMac === undefined ? { time, requestMac } : { time, previousMac };
      const signed = signMessage(answer(4242, text), key, options);
      chain.push(signed.message);
      previousMac = signed.mac;
    }
    let prior: Buffer | undefined;
    for (const [index, message] of chain.entries()) {
      const options = index === 0 ? at(time, { requestMac }) : at(time, { previousMac: prior });
      const result = verifyMessage(message, options);
      assert.equal(result.status, "valid", `message ${index + 1}`);
      if (result.status === "valid") prior = result.mac;
    }
    const reordered = verifyMessage(chain[2]!, at(time, { previousMac: readTsig(chain[0]!)?.mac }));
    assert.equal(invalid(reordered).error, "BADSIG");
  });

  it("includes messages that arrived unsigned between two signed ones (§5.3.1)", () => {
    const previousMac = randomBytes(32);
    const unsigned = answer(4242, "unsigned in between");
    const response = answer(4242, "signed again");
    const timers = Buffer.alloc(8);
    timers.writeUIntBE(time, 0, 6);
    timers.writeUInt16BE(300, 6);
    const mac = hmac(lengthPrefixed(previousMac), unsigned, response, timers);
    const signed = signMessage(response, key, { time, previousMac });
    const forged = withMac(signed.message, mac);
    assert.equal(
      verifyMessage(forged, at(time, { previousMac, unsignedMessages: [unsigned] })).status,
      "valid",
    );
    assert.equal(invalid(verifyMessage(forged, at(time, { previousMac }))).error, "BADSIG");
  });

  it("restores the original ID, so a message whose ID a forwarder changed still verifies (§4.3.3)", () => {
    const { message } = signMessage(axfrQuery(1111), key, { time });
    const forwarded = Buffer.from(message);
    forwarded.writeUInt16BE(2222, 0);
    const result = verifyMessage(forwarded, at(time));
    assert.equal(result.status, "valid");
  });

  it("finds the key by its lowercase name, whatever case the sender wrote it in", () => {
    const { message } = signMessage(axfrQuery(), key, { time });
    const shouted = Buffer.from(message.toString("latin1").replace("xfer-key", "XFER-KEY"), "latin1");
    assert.equal(readTsig(shouted)?.keyName, "xfer-key");
    assert.equal(verifyMessage(shouted, at(time)).status, "valid");
  });

  it("accepts a TSIG owner name compressed to a pointer", () => {
    const query = dnsPacket.encode({
      type: "query",
      id: 5,
      questions: [{ type: "TXT", name: "xfer-key", class: "IN" }],
    });
    const { message } = signMessage(query, key, { time });
    const ownerAt = query.length;
    const compressed = Buffer.concat([
      message.subarray(0, ownerAt),
      Buffer.from([0xc0, 12]),
      message.subarray(ownerAt + 10),
    ]);
    assert.equal(verifyMessage(compressed, at(time)).status, "valid");
  });

  it("refuses an unknown key or another algorithm with BADKEY", () => {
    const { message } = signMessage(axfrQuery(), { ...key, name: "other-key" }, { time });
    const result = invalid(verifyMessage(message, at(time)));
    assert.equal(result.error, "BADKEY");
    assert.equal(result.keyName, "other-key");
    assert.equal(result.key, undefined);
    const sha512 = Buffer.from(message.toString("latin1").replace("hmac-sha256", "hmac-sha512"), "latin1");
    const other = invalid(verifyMessage(sha512, { keys: () => key, now: time }));
    assert.equal(other.error, "BADKEY");
    assert.equal(other.algorithm, "hmac-sha512");
  });

  it("refuses a MAC made with another secret with BADSIG", () => {
    const { message } = signMessage(axfrQuery(), otherKey, { time });
    const result = invalid(verifyMessage(message, at(time)));
    assert.equal(result.error, "BADSIG");
    assert.equal(result.mac, undefined);
    assert.equal(result.key, undefined);
  });

  it("refuses a message changed after signing with BADSIG", () => {
    const { message } = signMessage(axfrQuery(), key, { time });
    const changed = Buffer.from(message);
    changed[14] = (changed[14] ?? 0) ^ 1; // a letter of the question name
    assert.equal(invalid(verifyMessage(changed, at(time))).error, "BADSIG");
  });

  it("refuses a time outside the fudge with BADTIME, but only once the MAC has verified (§5.2.3)", () => {
    const { message, mac } = signMessage(axfrQuery(), key, { time, fudge: 300 });
    assert.equal(verifyMessage(message, at(time + 300)).status, "valid");
    assert.equal(verifyMessage(message, at(time - 300)).status, "valid");
    const late = invalid(verifyMessage(message, at(time + 301)));
    assert.equal(late.error, "BADTIME");
    assert.deepEqual(late.mac, mac);
    assert.equal(late.key, key);
    assert.equal(late.time, time);
    assert.equal(invalid(verifyMessage(message, at(time - 301))).error, "BADTIME");
    const forged = signMessage(axfrQuery(), otherKey, { time }).message;
    assert.equal(invalid(verifyMessage(forged, at(time + 10_000))).error, "BADSIG");
  });

  it("compares a truncated MAC on its length and gives BADTRUNC under the default full-length policy", () => {
    const { message, mac } = signMessage(axfrQuery(), key, { time });
    const truncated = withMac(message, mac.subarray(0, 16));
    assert.equal(invalid(verifyMessage(truncated, at(time))).error, "BADTRUNC");
    assert.equal(verifyMessage(truncated, at(time, { minMacLength: 16 })).status, "valid");
    const wrong = withMac(message, Buffer.concat([mac.subarray(0, 15), Buffer.from([~mac[15]! & 0xff])]));
    assert.equal(invalid(verifyMessage(wrong, at(time, { minMacLength: 16 }))).error, "BADSIG");
  });

  it("refuses MACs shorter than half the hash or longer than it with FORMERR (§5.2.2.1)", () => {
    const { message, mac } = signMessage(axfrQuery(), key, { time });
    assert.equal(invalid(verifyMessage(withMac(message, mac.subarray(0, 15)), at(time))).error, "FORMERR");
    assert.equal(invalid(verifyMessage(withMac(message, mac.subarray(0, 10)), at(time))).error, "FORMERR");
    const longer = withMac(message, Buffer.concat([mac, Buffer.from([0])]));
    assert.equal(invalid(verifyMessage(longer, at(time))).error, "FORMERR");
  });

  it("refuses a TSIG record that is not the last record, or not alone, with FORMERR (§5.2)", () => {
    const { message } = signMessage(axfrQuery(), key, { time });
    const twice = signMessage(message, key, { time }).message;
    assert.equal(invalid(verifyMessage(twice, at(time))).error, "FORMERR");
    const trailing = Buffer.concat([message, Buffer.from([0])]);
    assert.equal(invalid(verifyMessage(trailing, at(time))).error, "FORMERR");
    const inAnswer = Buffer.from(message);
    inAnswer.writeUInt16BE(1, 6); // ANCOUNT 1, ARCOUNT 0: the same record now sits in the answer section
    inAnswer.writeUInt16BE(0, 10);
    assert.equal(invalid(verifyMessage(inAnswer, at(time))).error, "FORMERR");
  });

  it("reports the error a peer sent in an unsigned TSIG record with an empty MAC (§5.3.2)", () => {
    const request = signMessage(axfrQuery(), otherKey, { time }).message;
    const failure = invalid(verifyMessage(request, at(time)));
    const refusal = tsigErrorResponse(request, failure, { now: time })!;
    const seen = invalid(verifyMessage(refusal, at(time)));
    assert.equal(seen.error, "BADSIG");
    assert.equal(seen.peerError, 16);
  });
});

describe("answering a request whose TSIG failed (RFC 8945 §5.3.2)", () => {
  it("answers BADSIG with NOTAUTH, the question, and an unsigned TSIG record with an empty MAC", () => {
    const request = signMessage(axfrQuery(321), otherKey, { time }).message;
    const refusal = tsigErrorResponse(request, invalid(verifyMessage(request, at(time))), { now: time + 1 })!;
    const decoded = dnsPacket.decode(refusal);
    assert.equal(decoded.id, 321);
    assert.equal(decoded.type, "response");
    assert.equal(rcodeOf(refusal), 9);
    assert.deepEqual(decoded.questions, [{ name: "rpz.example", type: "AXFR", class: "IN" }]);
    assert.deepEqual(readTsig(refusal), {
      keyName: "xfer-key",
      algorithm: "hmac-sha256",
      time: time + 1,
      fudge: 300,
      mac: Buffer.alloc(0),
      originalId: 321,
      error: 16,
      otherData: Buffer.alloc(0),
    });
  });

  it("answers BADKEY the same way, echoing the unknown key's name and algorithm", () => {
    const request = signMessage(axfrQuery(), { ...key, name: "nobody" }, { time }).message;
    const refusal = tsigErrorResponse(request, invalid(verifyMessage(request, at(time))), { now: time })!;
    assert.equal(rcodeOf(refusal), 9);
    const record = readTsig(refusal);
    assert.equal(record?.keyName, "nobody");
    assert.equal(record?.error, 17);
    assert.equal(record?.mac.length, 0);
  });

  it("answers BADTIME signed, with the request's time, and the server's clock in Other Data (§5.2.3)", () => {
    const requestTime = time;
    const serverNow = time + 3600;
    const request = signMessage(axfrQuery(), key, { time: requestTime, fudge: 60 });
    const failure = invalid(verifyMessage(request.message, at(serverNow)));
    assert.equal(failure.error, "BADTIME");
    const refusal = tsigErrorResponse(request.message, failure, { now: serverNow })!;
    assert.equal(rcodeOf(refusal), 9);
    const record = readTsig(refusal);
    assert.equal(record?.time, requestTime);
    assert.equal(record?.fudge, 60);
    assert.equal(record?.error, 18);
    assert.equal(record?.otherData.readUIntBE(0, 6), serverNow);
    assert.equal(record?.otherData.length, 6);
    const atClient = verifyMessage(refusal, at(requestTime, { requestMac: request.mac }));
    assert.equal(atClient.status, "valid");
    assert.equal(atClient.status === "valid" && atClient.peerError, 18);
  });

  it("answers BADTRUNC signed over the truncated request MAC", () => {
    const signed = signMessage(axfrQuery(), key, { time });
    const request = withMac(signed.message, signed.mac.subarray(0, 20));
    const failure = invalid(verifyMessage(request, at(time)));
    assert.equal(failure.error, "BADTRUNC");
    const refusal = tsigErrorResponse(request, failure, { now: time })!;
    assert.equal(readTsig(refusal)?.error, 22);
    const requestMac = signed.mac.subarray(0, 20);
    assert.equal(verifyMessage(refusal, at(time, { requestMac })).status, "valid");
  });

  it("answers a malformed TSIG with FORMERR and no TSIG record, and drops what has no header", () => {
    const { message } = signMessage(axfrQuery(77), key, { time });
    const broken = Buffer.concat([message, Buffer.from([1, 2])]);
    const refusal = tsigErrorResponse(broken, invalid(verifyMessage(broken, at(time))))!;
    const decoded = dnsPacket.decode(refusal);
    assert.equal(rcodeOf(refusal), 1);
    assert.equal(decoded.id, 77);
    assert.equal(decoded.additionals?.length, 0);
    assert.equal(
      tsigErrorResponse(Buffer.from([1, 2, 3]), { status: "invalid", error: "FORMERR" }),
      undefined,
    );
  });

  it("adds the error record to a response the caller built", () => {
    const request = signMessage(axfrQuery(), otherKey, { time }).message;
    const failure = invalid(verifyMessage(request, at(time)));
    const response = answer(4242, "refused");
    const withError = appendTsigError(response, failure, { now: time });
    assert.equal(withError.readUInt16BE(10), 1);
    assert.equal(readTsig(withError)?.error, 16);
  });
});

describe("TSIG names on the wire", () => {
  it("writes canonical uncompressed lowercase names and reads them back with escapes", () => {
    assert.deepEqual(nameToWire("Xfer-Key."), Buffer.from("\x08xfer-key\x00", "latin1"));
    assert.deepEqual(nameToWire("xfer-key"), nameToWire("xfer-key."));
    assert.deepEqual(nameToWire("."), Buffer.from([0]));
    const odd = nameToWire("a\\.b.c\\032d");
    assert.deepEqual(odd, Buffer.from("\x03a.b\x03c d\x00", "latin1"));
    assert.equal(readWireName(odd, 0)?.text, "a\\.b.c\\032d");
    assert.throws(() => nameToWire("a..b"), RangeError);
    assert.throws(() => nameToWire(`${"a".repeat(64)}.example`), RangeError);
  });

  it("refuses compression loops and forward pointers", () => {
    assert.equal(readWireName(Buffer.from([0xc0, 0]), 0), undefined);
    assert.equal(readWireName(Buffer.from([0xc0, 2, 0]), 0), undefined);
    assert.equal(readWireName(Buffer.from([1, 0x61, 0xc0, 0]), 0), undefined);
  });
});

describe("malformed input", () => {
  const options = at(time, { requestMac: randomBytes(32) });

  function neverThrows(message: Buffer): VerifyResult {
    readTsig(message);
    const result = verifyMessage(message, options);
    if (result.status === "invalid") tsigErrorResponse(message, result);
    return result;
  }

  it("never throws on random octets", () => {
    for (let round = 0; round < 20_000; round += 1) {
      const random = randomBytes(Math.floor(Math.random() * 200));
      assert.notEqual(neverThrows(random).status, "valid");
    }
  });

  it("never throws on a signed message cut at any length, and never accepts one", () => {
    const { message } = signMessage(answer(1, "truncated somewhere"), key, {
      time,
      requestMac: options.requestMac,
    });
    for (let length = 0; length < message.length; length += 1) {
      assert.notEqual(neverThrows(message.subarray(0, length)).status, "valid", `cut at ${length}`);
    }
  });

  it("never throws on a signed message with any octet changed, and accepts none but the ID", () => {
    const { message } = signMessage(answer(1, "flipped"), key, { time, requestMac: options.requestMac });
    for (let index = 0; index < message.length; index += 1) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const changed = Buffer.from(message);
        changed[index] = (changed[index] ?? 0) ^ mask;
        const result = neverThrows(changed);
        if (index >= 2) assert.notEqual(result.status, "valid", `octet ${index} ^ ${mask}`);
      }
    }
  });

  it("never throws on signed messages with random octets spliced in", () => {
    const { message } = signMessage(answer(1, "spliced"), key, { time, requestMac: options.requestMac });
    for (let round = 0; round < 5_000; round += 1) {
      const changed = Buffer.from(message);
      for (let hits = 0; hits < 4; hits += 1) {
        changed[Math.floor(Math.random() * changed.length)] = Math.floor(Math.random() * 256);
      }
      neverThrows(changed);
    }
  });
});
