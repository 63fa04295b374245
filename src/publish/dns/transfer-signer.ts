// Signs a transfer's messages in the writer that encodes them (RFC 8945 §5.3, §5.3.1): the MAC is computed
// over the message where it is written and the TSIG record goes in the room kept for it, so signing copies
// nothing and a multi-message answer costs one HMAC per message over its octets.

import { nowSeconds, type TsigKey } from "./tsig.ts";
import { computeTsigMac, type TsigVariables } from "./tsig-digest.ts";
import { nameToWire } from "./tsig-name.ts";
import { encodeTsigRecord } from "./tsig-record.ts";

/** What the signer needs of a message being written: its octets so far and a place for the TSIG record. */
export interface SignableMessage {
  /** The message as it stands (ARCOUNT without TSIG): a view, valid until the next change. */
  peek(): Buffer;
  addRawAdditional(record: Uint8Array): void;
}

const algorithmWire = nameToWire("hmac-sha256.");
const noOtherData = Buffer.alloc(0);
const fudge = 300; // RFC 8945 §10

/**
 * A function that signs each message it is given, in order: the first over the request's MAC and all the TSIG
 * variables (§5.3), each later one over the previous message's MAC and the timers only (§5.3.1). Every message
 * is signed, as BIND and Knot do, which §5.3.1 allows (it requires at least every 100th).
 */
export function transferSigner(key: TsigKey, requestMac: Buffer): (message: SignableMessage) => void {
  const keyWire = nameToWire(key.name);
  let priorMac = requestMac;
  let first = true;
  return (message) => {
    const octets = message.peek();
    const variables: TsigVariables = {
      keyWire,
      algorithmWire,
      timeSigned: nowSeconds(),
      fudge,
      error: 0,
      otherData: noOtherData,
    };
    const mac = computeTsigMac(key.secret, {
      priorMac,
      messages: [octets],
      variables,
      timersOnly: !first,
    });
    const originalId = octets.readUInt16BE(0);
    message.addRawAdditional(encodeTsigRecord({ ...variables, mac, originalId }));
    priorMac = mac;
    first = false;
  };
}
