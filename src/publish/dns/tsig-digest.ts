// The MAC of a TSIG-signed message (RFC 8945 §4.3), HMAC-SHA256 over node:crypto.
import { createHmac } from "node:crypto";
import { classAny, uint16, uint48 } from "./tsig-record.ts";

/** What the MAC covers besides the message; names are in canonical wire form (§4.3.3). */
export interface TsigVariables {
  keyWire: Buffer;
  algorithmWire: Buffer;
  timeSigned: number;
  fudge: number;
  error: number;
  otherData: Buffer;
}

export interface DigestInput {
  /** The request MAC (§4.3.2) or, on the 2nd+ message of a response, the previous message's MAC (§5.3.1). */
  priorMac?: Buffer | undefined;
  /** Messages without their TSIG record, each with its original ID: several when unsigned ones preceded. */
  messages: readonly Buffer[];
  variables: TsigVariables;
  /** §5.3.1: the 2nd+ message of a multi-message response covers only the timers, not all the variables. */
  timersOnly: boolean;
}

export const hmacSha256Octets = 32;

export function computeTsigMac(secret: Buffer, input: DigestInput): Buffer {
  const hmac = createHmac("sha256", secret);
  if (input.priorMac !== undefined) {
    // §4.3.2 and §5.3.1: the prior MAC is covered with its two-octet length, as it appears in the record.
    hmac.update(uint16(input.priorMac.length));
    hmac.update(input.priorMac);
  }
  for (const message of input.messages) hmac.update(message);
  hmac.update(input.timersOnly ? tsigTimers(input.variables) : tsigVariables(input.variables));
  return hmac.digest();
}

/** §4.3.3: NAME, CLASS, TTL, Algorithm Name, Time Signed, Fudge, Error, Other Len, Other Data. */
function tsigVariables(variables: TsigVariables): Buffer {
  return Buffer.concat([
    variables.keyWire,
    uint16(classAny),
    Buffer.alloc(4), // TTL 0
    variables.algorithmWire,
    tsigTimers(variables),
    uint16(variables.error),
    uint16(variables.otherData.length),
    variables.otherData,
  ]);
}

/** §4.3.3 and §5.3.1: Time Signed (48 bits) and Fudge. */
function tsigTimers(variables: TsigVariables): Buffer {
  return Buffer.concat([uint48(variables.timeSigned), uint16(variables.fudge)]);
}
