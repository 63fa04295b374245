import { RRType } from "./rr-type.ts";

const names = new Map<number, string>(Object.entries(RRType).map(([name, code]) => [code, name]));

/**
 * The type a raw question asks about, by name (AXFR, IXFR, SOA…): the name is followed by QTYPE and QCLASS
 * (RFC 1035 §4.1.2). For the refusal log of a message that may not decode as a whole.
 */
export function questionKind(question: Buffer | undefined): string | undefined {
  if (!question || question.length < 5) return undefined;
  const type = question.readUInt16BE(question.length - 4);
  return names.get(type) ?? `TYPE${type}`;
}
