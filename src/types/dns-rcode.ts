/**
 * The DNS RCODEs by value, as the DNS world writes them in logs and tools (RFC 1035 §4.1.1, RFC 2136 §2.2,
 * RFC 6895 §2.3): one table for the primary, the pushes, the NOTIFY sender, the probes and the metrics.
 */
const rcodeNames = [
  "NOERROR",
  "FORMERR",
  "SERVFAIL",
  "NXDOMAIN",
  "NOTIMP",
  "REFUSED",
  "YXDOMAIN",
  "YXRRSET",
  "NXRRSET",
  "NOTAUTH",
  "NOTZONE",
] as const;

/** An RCODE's name, or `RCODE<n>` for a value with none here. */
export function rcodeName(code: number): string {
  return rcodeNames[code] ?? `RCODE${code}`;
}
