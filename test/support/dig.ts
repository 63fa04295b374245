import { execFile } from "node:child_process";

/** One resource record as dig prints it: `allostreaming.com.rpz.decree. 60 IN CNAME .` */
export interface DigRecord {
  name: string;
  ttl: number;
  class: string;
  type: string;
  data: string;
}

export interface DigOutput {
  stdout: string;
  stderr: string;
  /** Every record line dig printed, in order: answers, or a transfer's records; TSIG lines included. */
  records: DigRecord[];
  /** The RCODE of each header dig printed (`status: NOERROR`), with `+comments`. */
  statuses: string[];
  /** The header flags dig printed first (`qr aa rd`), with `+comments`. */
  flags: string[];
  /** From a transfer's `;; XFR size: 25 records (messages 1, bytes 800)`. */
  xfr?: { records: number; messages: number; bytes: number };
}

/**
 * Runs Debian's dig (bind9-dnsutils) against a server on 127.0.0.1, one try with a short timeout, and parses
 * what it printed. dig's exit status is not an error here: a refused transfer still prints what it got.
 */
export function dig(port: number, args: string[]): Promise<DigOutput> {
  const argv = ["@127.0.0.1", "-p", String(port), "+tries=1", "+time=3", ...args];
  return new Promise((resolve, reject) => {
    execFile("dig", argv, { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve(parseDig(stdout, stderr));
    });
  });
}

export function parseDig(stdout: string, stderr = ""): DigOutput {
  const records: DigRecord[] = [];
  for (const line of stdout.split("\n")) {
    if (line === "" || line.startsWith(";")) continue;
    const [name, ttl, rrClass, type, ...data] = line.trim().split(/\s+/);
    if (name === undefined || type === undefined || rrClass === undefined) continue;
    records.push({ name, ttl: Number(ttl), class: rrClass, type, data: data.join(" ") });
  }
  const statuses = [...stdout.matchAll(/status: ([A-Z]+)/g)].map((match) => match[1]!);
  const flags = /;; flags: ([a-z ]*)[;]/.exec(stdout)?.[1]?.trim().split(" ") ?? [];
  const size = /;; XFR size: (\d+) records \(messages (\d+), bytes (\d+)\)/.exec(stdout);
  const xfr = size
    ? { records: Number(size[1]), messages: Number(size[2]), bytes: Number(size[3]) }
    : undefined;
  return { stdout, stderr, records, statuses, flags, ...(xfr ? { xfr } : {}) };
}

/** A record in a short form for comparing sequences: `SOA 3` for the SOA's serial, else `owner TYPE data`. */
export function shortForm(record: DigRecord, zone: string): string {
  if (record.type === "SOA") return `SOA ${record.data.split(" ")[2]}`;
  const owner = record.name.replace(/\.$/, "");
  const relative = owner === zone ? "@" : owner.slice(0, -(zone.length + 1));
  return `${relative} ${record.type} ${record.data}`;
}
