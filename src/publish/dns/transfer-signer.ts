// Signs a transfer's messages in the writer that encodes them (RFC 8945 §5.3, §5.3.1): the MAC is computed
// over the message where it is written and the TSIG record goes in the room kept for it, so signing copies
// nothing and a multi-message answer costs one HMAC per message over its octets. What the MAC covers besides
// the message, and the record itself, are laid out once per transfer and only their timers, MAC and ID
// filled in per message: thousands of messages, no buffers built for each.

import { createHmac } from "node:crypto";
import { nowSeconds, type TsigKey } from "./tsig.ts";
import { hmacSha256Octets } from "./tsig-digest.ts";
import { nameToWire } from "./tsig-name.ts";
import { classAny, tsigType } from "./tsig-record.ts";

/** What the signer needs of a message being written: its octets so far and a place for the TSIG record. */
export interface SignableMessage {
  /** The message as it stands (ARCOUNT without TSIG): a view, valid until the next change. */
  peek(): Buffer;
  addRawAdditional(record: Uint8Array): void;
}

const algorithmWire = nameToWire("hmac-sha256.");
const fudge = 300; // RFC 8945 §10

/**
 * A function that signs each message it is given, in order: the first over the request's MAC and all the TSIG
 * variables (§5.3), each later one over the previous message's MAC and the timers only (§5.3.1). Every message
 * is signed, as BIND and Knot do, which §5.3.1 allows (it requires at least every 100th).
 */
export function transferSigner(key: TsigKey, requestMac: Buffer): (message: SignableMessage) => void {
  const keyWire = nameToWire(key.name);
  // §4.3.3: NAME, CLASS, TTL, Algorithm Name, then the timers (Time Signed, 48 bits, and Fudge), Error, Other
  // Len; §5.3.1: later messages cover the timers alone, which `timers` views.
  const variables = Buffer.alloc(keyWire.length + 6 + algorithmWire.length + 8 + 4);
  let at = keyWire.copy(variables, 0);
  at = variables.writeUInt16BE(classAny, at);
  at = variables.writeUInt32BE(0, at);
  at += algorithmWire.copy(variables, at);
  const timers = variables.subarray(at, at + 8);
  timers.writeUInt16BE(fudge, 6);
  // Error 0 and Other Len 0 (§4.2) follow, already zero.
  // The record (§4.2): owner (the key name), TYPE, CLASS, TTL, RDLENGTH, then RDATA: Algorithm Name, Time
  // Signed, Fudge, MAC Size, MAC, Original ID, Error, Other Len.
  const rdataLength = algorithmWire.length + 8 + 2 + hmacSha256Octets + 6;
  const record = Buffer.alloc(keyWire.length + 10 + rdataLength);
  at = keyWire.copy(record, 0);
  at = record.writeUInt16BE(tsigType, at);
  at = record.writeUInt16BE(classAny, at);
  at = record.writeUInt32BE(0, at);
  at = record.writeUInt16BE(rdataLength, at);
  at += algorithmWire.copy(record, at);
  const recordTimers = record.subarray(at, at + 8);
  recordTimers.writeUInt16BE(fudge, 6);
  at = record.writeUInt16BE(hmacSha256Octets, at + 8);
  const macAt = at;
  const idAt = macAt + hmacSha256Octets;
  // §4.3.2 and §5.3.1: the prior MAC is covered with its two-octet length, as it appears in its record.
  let prior = Buffer.alloc(2 + requestMac.length);
  prior.writeUInt16BE(requestMac.length, 0);
  requestMac.copy(prior, 2);
  let first = true;
  return (message) => {
    const octets = message.peek();
    const timeSigned = nowSeconds();
    timers.writeUIntBE(timeSigned, 0, 6);
    const hmac = createHmac("sha256", key.secret);
    hmac.update(prior);
    hmac.update(octets);
    hmac.update(first ? variables : timers);
    const mac = hmac.digest();
    recordTimers.writeUIntBE(timeSigned, 0, 6);
    mac.copy(record, macAt);
    record[idAt] = octets[0]!;
    record[idAt + 1] = octets[1]!;
    message.addRawAdditional(record);
    if (first) prior = Buffer.alloc(2 + hmacSha256Octets);
    prior.writeUInt16BE(hmacSha256Octets, 0);
    mac.copy(prior, 2);
    first = false;
  };
}
