// Answers to requests whose TSIG failed (RFC 8945 §5.2, §5.3.2).
import { nowSeconds, signMessage, type TsigInvalid, tsigErrorCodes } from "./tsig.ts";
import { nameToWire } from "./tsig-name.ts";
import { encodeTsigRecord, skipQuestions, uint48 } from "./tsig-record.ts";

const rcodeFormErr = 1;
const rcodeNotAuth = 9;
const defaultFudge = 300;

export interface TsigErrorOptions {
  /** The server's clock, seconds since the epoch; default now. */
  now?: number;
}

/**
 * The whole answer to a request that `verifyMessage` found invalid, or undefined when the request has no
 * header to answer (drop it). The header keeps the request's ID, opcode and RD with QR set, the question is
 * echoed, and the RCODE is NOTAUTH (9) for TSIG errors or FORMERR (1); `appendTsigError` adds the record.
 * Meant for requests: a response that failed verification is dropped, not answered.
 */
export function tsigErrorResponse(
  request: Buffer,
  failure: TsigInvalid,
  options: TsigErrorOptions = {},
): Buffer | undefined {
  if (request.length < 12) return undefined;
  const questionCount = request.readUInt16BE(4);
  const questionEnd = skipQuestions(request, questionCount);
  const header = Buffer.alloc(12);
  request.copy(header, 0, 0, 2);
  header[2] = 0x80 | ((request[2] ?? 0) & 0x79); // QR, then the request's opcode and RD
  header[3] = failure.error === "FORMERR" ? rcodeFormErr : rcodeNotAuth;
  header.writeUInt16BE(questionEnd === undefined ? 0 : questionCount, 4);
  const question = questionEnd === undefined ? Buffer.alloc(0) : request.subarray(12, questionEnd);
  return appendTsigError(Buffer.concat([header, question]), failure, options);
}

/**
 * Appends the TSIG record an error answer needs to a response the caller built (RFC 8945 §5.3.2):
 * - BADKEY, BADSIG: unsigned, MAC Size 0, carrying the error: the server "MUST NOT send back a signed error
 *   message" when the key or MAC is at fault, and the client could not check one anyway.
 * - BADTIME: signed with the request's key over the request MAC, with the request's Time Signed and Fudge and
 *   the server's time as 6 octets of Other Data, so the client can verify it despite the skew (§5.2.3).
 * - BADTRUNC: signed over the (truncated) request MAC at the server's time (§5.2.4).
 * - FORMERR: nothing, the request's record could not be interpreted (§5.2).
 */
export function appendTsigError(
  response: Buffer,
  failure: TsigInvalid,
  options: TsigErrorOptions = {},
): Buffer {
  const now = options.now ?? nowSeconds();
  if (failure.error === "FORMERR" || failure.keyName === undefined) return response;
  const code = tsigErrorCodes[failure.error];
  if (failure.key !== undefined && failure.mac !== undefined) {
    const badTime = failure.error === "BADTIME";
    return signMessage(response, failure.key, {
      requestMac: failure.mac,
      time: badTime ? failure.time : now,
      fudge: failure.fudge,
      error: code,
      otherData: badTime ? uint48(now) : undefined,
    }).message;
  }
  return appendUnsignedError(response, failure, code, now);
}

function appendUnsignedError(response: Buffer, failure: TsigInvalid, code: number, now: number): Buffer {
  const record = encodeTsigRecord({
    keyWire: nameToWire(failure.keyName ?? "."),
    algorithmWire: nameToWire(failure.algorithm ?? "hmac-sha256"),
    timeSigned: now,
    fudge: failure.fudge ?? defaultFudge,
    mac: Buffer.alloc(0),
    originalId: response.readUInt16BE(0),
    error: code,
    otherData: Buffer.alloc(0),
  });
  const answer = Buffer.concat([response, record]);
  answer.writeUInt16BE(response.readUInt16BE(10) + 1, 10);
  return answer;
}
