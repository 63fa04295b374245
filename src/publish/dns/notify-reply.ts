import dnsPacket from "dns-packet";
import { HeaderFlag } from "./message-writer.ts";

const opcodeNotify = 4;
const rcode = { noError: 0, formErr: 1, notAuth: 9 } as const;

/**
 * The primary's answer to a NOTIFY it receives (RFC 1996 §4.7: same ID, opcode and question, QR set). decree
 * is the zone's only source, so there is nothing to fetch: a NOTIFY for its zone is answered NOERROR, one for
 * another zone NOTAUTH (RFC 1996 §3.10 lets a server decline), one without a single SOA question FORMERR.
 */
export function notifyReply(query: dnsPacket.DecodedPacket, zone: string): Buffer {
  const questions = query.questions ?? [];
  const [question] = questions;
  const name = question?.name.toLowerCase().replace(/\.$/, "");
  const ours = name === zone;
  const code =
    questions.length !== 1 || question?.type !== "SOA" ? rcode.formErr : ours ? rcode.noError : rcode.notAuth;
  return dnsPacket.encode({
    id: query.id ?? 0,
    type: "response",
    // dns-packet writes the opcode and RCODE only through the flags (RFC 1035 §4.1.1).
    flags: (opcodeNotify << 11) | (ours ? HeaderFlag.AA : 0) | code,
    questions: code === rcode.formErr ? [] : questions,
  });
}
