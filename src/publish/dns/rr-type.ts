// Numeric codes of the resource record types and classes decree writes (RFC 1035 §3.2.2, §3.2.4; RFC 3596
// §2.1 for AAAA). A plain object rather than a `const enum`, so the file stays erasable TypeScript.

export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
} as const;
export type RRType = (typeof RRType)[keyof typeof RRType];

export const RRClass = { IN: 1, ANY: 255 } as const;
export type RRClass = (typeof RRClass)[keyof typeof RRClass];
