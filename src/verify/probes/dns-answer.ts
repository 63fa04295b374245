import dnsPacket from "dns-packet";
import { rcodeName } from "../../types/dns-rcode.ts";

/** What probes ask: addresses of names, and the canary's TXT (canary-serials.ts). */
export type RecordType = "A" | "AAAA" | "TXT";

const typeCodes: Record<RecordType, number> = { A: 1, AAAA: 28, TXT: 16 };
const headerLength = 12;

/**
 * What a resolver answered, kept whole (raw wire) so that a measurement can be re-read and re-judged later.
 * The probe's hot path reads only what a verdict needs (RCODE, AA, the addresses); the answer section as text
 * is decoded, by dns-packet, only when asked for (to store it).
 */
export class DnsAnswer {
  private text: string[] | undefined;
  private strings: string[] | undefined;

  constructor(
    readonly raw: Buffer,
    readonly rcode: string,
    /** Authoritative Answer: resolvers set it on RPZ-rewritten answers. */
    readonly aa: boolean,
    /** The A and AAAA addresses of the answer section. */
    readonly addresses: string[],
    readonly rttMs: number,
  ) {}

  /** TC: the answer did not fit in the datagram (RFC 1035 §4.1.1); a stub asks again over TCP. */
  get truncated(): boolean {
    return this.raw.length > 2 && (this.raw[2]! & 0x02) !== 0;
  }

  /** The answer section as presentation text, one record each. */
  get answers(): string[] {
    this.text ??= decodeRecords(this.raw);
    return this.text;
  }

  /** The text of each TXT record of the answer section, its character-strings joined (RFC 1035 §3.3.14). */
  get texts(): string[] {
    this.strings ??= decodeTexts(this.raw);
    return this.strings;
  }
}

/**
 * A query with recursion desired, as a stub resolver sends it (RFC 1035 §4.1.1, §4.1.2). Written here rather
 * than by dns-packet's general encoder: it is the probe engine's hot path, and its bytes after the header are
 * the question an answer must repeat.
 */
export function encodeQuery(id: number, name: string, qtype: RecordType): Buffer {
  const message = Buffer.allocUnsafe(headerLength + questionLength(name));
  writeHeader(message, id);
  encodeQuestion(message, headerLength, name, qtype);
  return message;
}

/** The bytes of the question section for `name`: its labels, the root, the type and the class. */
export function questionLength(name: string): number {
  const end = name.endsWith(".") ? name.length - 1 : name.length;
  // Names are ASCII (A-labels): one byte per character, and one length byte per label plus the root's.
  return end + 2 + 4;
}

/** A query's header: this ID, RD, one question (RFC 1035 §4.1.1). */
export function writeHeader(message: Buffer, id: number): void {
  message.fill(0, 0, headerLength);
  message[0] = id >>> 8;
  message[1] = id & 0xff;
  message[2] = 0x01; // RD
  message[5] = 1; // QDCOUNT
}

/** Writes the question section (RFC 1035 §4.1.2) at `start`; returns where it ends. */
export function encodeQuestion(target: Buffer, start: number, name: string, qtype: RecordType): number {
  const end = name.endsWith(".") ? name.length - 1 : name.length;
  let lengthAt = start;
  let at = start + 1;
  for (let i = 0; i < end; i++) {
    const code = name.charCodeAt(i);
    if (code === 0x2e) {
      target[lengthAt] = at - lengthAt - 1;
      lengthAt = at;
    } else target[at] = code;
    at++;
  }
  target[lengthAt] = at - lengthAt - 1;
  target[at] = 0;
  const type = typeCodes[qtype];
  target[at + 1] = type >>> 8;
  target[at + 2] = type & 0xff;
  target[at + 3] = 0;
  target[at + 4] = 1; // IN
  return at + 5;
}

/**
 * Reads an answer to `query` (the bytes sent): a response (QR) with one question whose bytes are those asked,
 * so that the ID alone does not make an answer (RFC 5452 §9.1); undefined otherwise. Case is compared exactly:
 * a resolver copies the question (RFC 1035 §4.1.1).
 */
export function decodeAnswer(raw: Buffer, query: Buffer, rttMs: number): DnsAnswer | undefined {
  if (!answersQuery(raw, query)) return undefined;
  return readAnswer(raw, query.length, rttMs);
}

/**
 * Whether `raw` is a response (QR) with one question whose bytes are those of `query`: the check an answer
 * passes before anything else is read of it (RFC 5452 §9.1). The ID is the caller's to match (a UDP lane
 * finds the question by it; an agent's stored answer carries the ID the agent chose).
 */
export function answersQuery(raw: Buffer, query: Buffer): boolean {
  if (raw.length < query.length || (raw[2]! & 0x80) === 0 || raw[4] !== 0 || raw[5] !== 1) return false;
  return raw.compare(query, headerLength, query.length, headerLength, query.length) === 0;
}

/**
 * What a verdict needs of an answer already matched to its question (answersQuery), which ends at
 * `questionEnd`: RCODE, AA and the answer section's addresses; undefined for a message cut short.
 */
export function readAnswer(raw: Buffer, questionEnd: number, rttMs: number): DnsAnswer | undefined {
  const addresses = readAddresses(raw, questionEnd, (raw[6]! << 8) | raw[7]!);
  if (addresses === undefined) return undefined;
  return new DnsAnswer(raw, rcodeName(raw[3]! & 0x0f), (raw[2]! & 0x04) !== 0, addresses, rttMs);
}

/** Whether every record the header counts in the answer section is there whole, after `questionEnd`. */
export function answerIsWhole(raw: Buffer, questionEnd: number): boolean {
  const count = (raw[6]! << 8) | raw[7]!;
  let at = questionEnd;
  for (let record = 0; record < count; record++) {
    at = skipName(raw, at);
    if (at < 0 || at + 10 > raw.length) return false;
    at += 10 + ((raw[at + 8]! << 8) | raw[at + 9]!);
    if (at > raw.length) return false;
  }
  return true;
}

/** The A and AAAA data of the answer section (RFC 1035 §4.1.3), or undefined for a truncated message. */
function readAddresses(raw: Buffer, start: number, count: number): string[] | undefined {
  const addresses: string[] = [];
  let at = start;
  for (let record = 0; record < count; record++) {
    at = skipName(raw, at);
    if (at < 0 || at + 10 > raw.length) return undefined;
    const type = (raw[at]! << 8) | raw[at + 1]!;
    const length = (raw[at + 8]! << 8) | raw[at + 9]!;
    at += 10;
    if (at + length > raw.length) return undefined;
    if (type === 1 && length === 4) addresses.push(`${raw[at]}.${raw[at + 1]}.${raw[at + 2]}.${raw[at + 3]}`);
    else if (type === 28 && length === 16) addresses.push(ipv6Text(raw.subarray(at, at + 16)));
    at += length;
  }
  return addresses;
}

/** Past a name: labels up to the root, or up to a compression pointer (RFC 1035 §4.1.4). */
function skipName(raw: Buffer, start: number): number {
  let at = start;
  while (at < raw.length) {
    const length = raw[at]!;
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2;
    at += length + 1;
  }
  return -1;
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // RFC 5952 §4.2: the longest run of two or more zero groups becomes "::".
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best.length && j - i > 1) best = { at: i, length: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(":");
  return `${groups.slice(0, best.at).join(":")}::${groups.slice(best.at + best.length).join(":")}`;
}

function decodeRecords(raw: Buffer): string[] {
  try {
    return (dnsPacket.decode(raw).answers ?? []).map((answer) => {
      const record = answer as { name: string; type: string; ttl?: number; data?: unknown };
      const data = typeof record.data === "string" ? record.data : JSON.stringify(record.data ?? null);
      return `${record.name.replace(/\.$/, "")}. ${record.ttl ?? 0} ${record.type} ${data}`;
    });
  } catch {
    return [];
  }
}

function decodeTexts(raw: Buffer): string[] {
  try {
    return (dnsPacket.decode(raw).answers ?? [])
      .filter((answer) => answer.type === "TXT")
      .map((answer) => {
        const data = (answer as { data: unknown }).data;
        const parts = Array.isArray(data) ? data : [data];
        return parts.map((part) => (Buffer.isBuffer(part) ? part.toString("utf8") : String(part))).join("");
      });
  } catch {
    return [];
  }
}
