// TSIG (RFC 8945) with HMAC-SHA256: signing and verifying whole DNS messages for decree's server and client.
// Messages are wire octets; the TSIG record is handled here because dns-packet has no codec for it.
import { timingSafeEqual } from "node:crypto";
import { computeTsigMac, hmacSha256Octets, type TsigVariables } from "./tsig-digest.ts";
import { nameToWire } from "./tsig-name.ts";
import { encodeTsigRecord, findTsigRecord, type TsigRecord } from "./tsig-record.ts";

/** A shared secret. `name` is canonical: lowercase, no trailing dot. */
export interface TsigKey {
  name: string;
  algorithm: "hmac-sha256";
  secret: Buffer;
}

export type TsigError = "BADSIG" | "BADKEY" | "BADTIME" | "BADTRUNC" | "FORMERR";

/** TSIG error codes as carried in the record's Error field (RFC 8945 §3, IANA "DNS RCODEs"). */
export const tsigErrorCodes = { BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

export interface SignOptions {
  /** Seconds since the epoch; default now. */
  time?: number;
  /** Seconds of clock skew the receiver may allow; default 300 (RFC 8945 §10 recommends 300). */
  fudge?: number;
  /** When signing a response: the MAC of the signed request (§5.3). */
  requestMac?: Buffer;
  /** For the 2nd+ message of a multi-message response such as AXFR: the previous message's MAC (§5.3.1). */
  previousMac?: Buffer;
  /** TSIG error code to put in the record, e.g. 18 BADTIME (§5.2.3). */
  error?: number;
  /** Other Data, e.g. the server's time in a BADTIME response (§5.2.3). */
  otherData?: Buffer;
}

export interface VerifyOptions {
  /** Finds a key by canonical name (lowercase, no trailing dot). */
  keys: (name: string) => TsigKey | undefined;
  /** Seconds since the epoch; default now. */
  now?: number;
  /** When verifying a response: the MAC of the request we sent (§5.3). */
  requestMac?: Buffer;
  /** When verifying the 2nd+ message of a multi-message response: the previous signed one's MAC (§5.3.1). */
  previousMac?: Buffer;
  /** With previousMac: messages of the response that arrived unsigned since the last signed one (§5.3.1). */
  unsignedMessages?: readonly Buffer[];
  /** Local truncation policy (§5.2.4): shorter valid MACs give BADTRUNC. Default 32, the full HMAC-SHA256. */
  minMacLength?: number;
  /**
   * The most clock skew accepted whatever fudge the signer claims (§5.2.3, §10: 300 s recommended). A signer
   * writing fudge 65535 would otherwise make its message replayable for 18 hours. Default 300.
   */
  maxFudge?: number;
}

/** What the TSIG record says about the signer, for logs and for the error response (§5.3.2). */
interface Described {
  keyName?: string;
  algorithm?: string;
  originalId?: number;
  time?: number;
  fudge?: number;
}

export type VerifyResult =
  | { status: "unsigned" }
  | {
      status: "valid";
      key: TsigKey;
      mac: Buffer;
      time: number;
      /** The record's non-zero Error field, e.g. 18 in a server's signed BADTIME answer (§5.2.3). */
      peerError?: number;
    }
  | (Described & {
      status: "invalid";
      error: TsigError;
      /** The request MAC, present only when it verified (BADTIME, BADTRUNC), to sign the error answer. */
      mac?: Buffer;
      /** The key, present only when the MAC verified, to sign the error answer (§5.3.2). */
      key?: TsigKey;
      /** Set when the peer reported this error in an unsigned record with an empty MAC (§5.3.2). */
      peerError?: number;
    });

export type TsigInvalid = Extract<VerifyResult, { status: "invalid" }>;

/** The TSIG record of a message as read, unverified. */
export interface TsigInfo {
  keyName: string;
  algorithm: string;
  time: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
}

const algorithmName = "hmac-sha256";
const algorithmWire = nameToWire(`${algorithmName}.`);
const defaultFudge = 300;

/**
 * Appends a TSIG record to a complete message (as the last additional record, ARCOUNT + 1) and returns the
 * signed message with its MAC, which the caller keeps to sign or verify what follows (§5.3, §5.3.1).
 */
export function signMessage(
  message: Buffer,
  key: TsigKey,
  options: SignOptions = {},
): { message: Buffer; mac: Buffer } {
  if (message.length < 12) throw new RangeError("a DNS message has a 12-octet header");
  const variables: TsigVariables = {
    keyWire: nameToWire(key.name),
    algorithmWire,
    timeSigned: options.time ?? nowSeconds(),
    fudge: options.fudge ?? defaultFudge,
    error: options.error ?? 0,
    otherData: options.otherData ?? Buffer.alloc(0),
  };
  const subsequent = options.previousMac !== undefined;
  const mac = computeTsigMac(key.secret, {
    priorMac: subsequent ? options.previousMac : options.requestMac,
    messages: [message],
    variables,
    timersOnly: subsequent,
  });
  const record = encodeTsigRecord({ ...variables, mac, originalId: message.readUInt16BE(0) });
  const signed = Buffer.concat([message, record]);
  signed.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { message: signed, mac };
}

/**
 * Verifies the TSIG record of a received message in the order of RFC 8945 §5.2: key (BADKEY), MAC (FORMERR
 * for sizes §5.2.2.1 forbids, BADSIG), time (BADTIME), truncation policy (BADTRUNC). Never throws.
 */
export function verifyMessage(message: Buffer, options: VerifyOptions): VerifyResult {
  const lookup = findTsigRecord(message);
  if (lookup.kind === "absent") return { status: "unsigned" };
  if (lookup.kind === "malformed") return { status: "invalid", error: "FORMERR" };
  const record = lookup.record;
  const described = describe(record);
  const key = options.keys(record.keyName);
  if (key === undefined || key.algorithm !== record.algorithm || record.algorithm !== algorithmName) {
    return { status: "invalid", error: "BADKEY", ...described };
  }
  if (record.mac.length === 0 && record.error !== 0) {
    return { status: "invalid", error: errorName(record.error), peerError: record.error, ...described };
  }
  if (!allowedMacLength(record.mac.length)) return { status: "invalid", error: "FORMERR", ...described };
  if (!macMatches(message, record, key, options)) return { status: "invalid", error: "BADSIG", ...described };
  const verified = { key, mac: record.mac, ...described };
  const fudge = Math.min(record.fudge, options.maxFudge ?? defaultFudge);
  if (Math.abs((options.now ?? nowSeconds()) - record.timeSigned) > fudge) {
    return { status: "invalid", error: "BADTIME", ...verified };
  }
  if (record.mac.length < (options.minMacLength ?? hmacSha256Octets)) {
    return { status: "invalid", error: "BADTRUNC", ...verified };
  }
  const peerError = record.error === 0 ? {} : { peerError: record.error };
  return { status: "valid", key, mac: record.mac, time: record.timeSigned, ...peerError };
}

/** Reads the TSIG record at the end of a message without verifying it; undefined when absent or malformed. */
export function readTsig(message: Buffer): TsigInfo | undefined {
  const lookup = findTsigRecord(message);
  if (lookup.kind !== "found") return undefined;
  const { keyName, algorithm, timeSigned, fudge, mac, originalId, error, otherData } = lookup.record;
  return { keyName, algorithm, time: timeSigned, fudge, mac, originalId, error, otherData };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

// §5.2.2.1: more than the hash output, or less than the larger of 10 octets and half of it, is FORMERR.
function allowedMacLength(length: number): boolean {
  return length <= hmacSha256Octets && length >= Math.max(10, hmacSha256Octets / 2);
}

function macMatches(message: Buffer, record: TsigRecord, key: TsigKey, options: VerifyOptions): boolean {
  const subsequent = options.previousMac !== undefined;
  const computed = computeTsigMac(key.secret, {
    priorMac: subsequent ? options.previousMac : options.requestMac,
    messages: [...(subsequent ? (options.unsignedMessages ?? []) : []), withoutTsig(message, record)],
    variables: record,
    timersOnly: subsequent,
  });
  // §5.2.2.1: a truncated MAC is compared with the same number of leading octets of ours.
  return timingSafeEqual(computed.subarray(0, record.mac.length), record.mac);
}

// §4.3.3 and §5.2: the MAC covers the message as it was before signing: original ID, ARCOUNT without TSIG.
function withoutTsig(message: Buffer, record: TsigRecord): Buffer {
  const unsigned = Buffer.from(message.subarray(0, record.start));
  unsigned.writeUInt16BE(record.originalId, 0);
  unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
  return unsigned;
}

function describe(record: TsigRecord): Described {
  return {
    keyName: record.keyName,
    algorithm: record.algorithm,
    originalId: record.originalId,
    time: record.timeSigned,
    fudge: record.fudge,
  };
}

function errorName(code: number): TsigError {
  const names = Object.entries(tsigErrorCodes) as [TsigError, number][];
  return names.find(([, value]) => value === code)?.[0] ?? "FORMERR";
}
