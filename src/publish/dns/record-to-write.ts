// The records MessageWriter encodes: names in presentation form (ASCII A-labels, with or without the trailing
// dot, no `\` escapes), class IN always.

/** The SOA's RDATA (RFC 1035 §3.3.13); `rname` is the mailbox as a name, e.g. `hostmaster.decree.example`. */
export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export type RData =
  | { type: "A"; address: string }
  | { type: "AAAA"; address: string }
  | { type: "CNAME"; target: string }
  | { type: "NS"; target: string }
  | { type: "SOA"; soa: SoaData }
  | { type: "TXT"; texts: string[] };

export interface RecordToWrite {
  name: string;
  /** Seconds, 0 to 2^31 - 1 (RFC 2181 §8). */
  ttl: number;
  data: RData;
}
