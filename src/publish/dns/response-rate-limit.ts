import { clientPrefix } from "./client-prefix.ts";

export interface ResponseRateLimitOptions {
  /** Answers per second to one client network; a burst of one second's worth is allowed. */
  responsesPerSecond: number;
  /**
   * Every `slip`-th answer that the limit drops goes out instead as a truncated answer (TC=1, no records), so that
   * a real client whose address is being forged retries over TCP, where no address can be forged; 0: none.
   */
  slip: number;
  /** How client addresses are grouped: a /24 of IPv4 and a /56 of IPv6 by default, as BIND does. */
  ipv4PrefixLength: number;
  ipv6PrefixLength: number;
  /** How many client networks are tracked at once; past that the least recently seen is forgotten. */
  maxClients: number;
}

export const defaultResponseRateLimit: ResponseRateLimitOptions = {
  responsesPerSecond: 20,
  slip: 2,
  ipv4PrefixLength: 24,
  ipv6PrefixLength: 56,
  maxClients: 100_000,
};

export type RateVerdict = "answer" | "drop" | "slip";

export interface ResponseRateStats {
  answered: number;
  dropped: number;
  slipped: number;
  clients: number;
}

interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
}

/**
 * Response rate limiting for DNS over UDP, after BIND's RRL: a UDP query's source address can be forged, so an
 * authority that answers every datagram lends its bandwidth to whoever wants to flood that address. Each client
 * network has a token bucket refilled at `responsesPerSecond`; past it answers are dropped, and every `slip`-th
 * dropped one is sent truncated instead, which costs no more than the query and sends a real client to TCP
 * (RFC 7766 §5: a TC=1 answer makes the client retry over TCP). Memory is bounded by `maxClients`.
 */
export class ResponseRateLimit {
  private readonly buckets = new Map<string, Bucket>();
  private readonly counts = { answered: 0, dropped: 0, slipped: 0 };

  constructor(private readonly options: ResponseRateLimitOptions) {}

  verdict(address: string, nowMs = performance.now()): RateVerdict {
    const { responsesPerSecond, slip, ipv4PrefixLength, ipv6PrefixLength, maxClients } = this.options;
    const key = clientPrefix(address, ipv4PrefixLength, ipv6PrefixLength);
    let bucket = this.buckets.get(key);
    if (bucket) {
      // Refreshed in the map's order, so that the first entry is always the least recently seen.
      this.buckets.delete(key);
      bucket.tokens = Math.min(
        responsesPerSecond,
        bucket.tokens + ((nowMs - bucket.at) / 1000) * responsesPerSecond,
      );
      bucket.at = nowMs;
    } else {
      if (this.buckets.size >= maxClients) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: responsesPerSecond, at: nowMs, dropped: 0 };
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.counts.answered++;
      return "answer";
    }
    bucket.dropped++;
    if (slip > 0 && bucket.dropped % slip === 0) {
      this.counts.slipped++;
      return "slip";
    }
    this.counts.dropped++;
    return "drop";
  }

  stats(): ResponseRateStats {
    return { ...this.counts, clients: this.buckets.size };
  }
}
