/**
 * What one DNS-over-TCP client may hold of the primary (RFC 7766 §6: a server must bound the connections it
 * keeps and the work each one queues, and close idle ones). Times are milliseconds, sizes octets.
 */
export interface TcpConnectionLimits {
  /** Connections open at once, all clients together; kept below the process's descriptor limit. */
  maxConnections: number;
  /**
   * Of `maxConnections`, how many only transfer-allowed addresses (the transfer ACL and operators' addresses)
   * may use: a flood from anyone else never takes the last slots from a secondary.
   */
  reservedConnections: number;
  /** Connections open at once from one client (an IPv4 address, an IPv6 /64) that is not transfer-allowed. */
  maxConnectionsPerClient: number;
  /** Queries read but not yet answered on one connection; past it the socket is not read (RFC 7766 §6.2.1.1). */
  maxInFlight: number;
  /** Answers written but not yet taken by the client; past it the connection is closed. */
  maxQueuedBytes: number;
  /** Closed when no complete message has arrived for this long and nothing is being answered: bytes alone do not count. */
  idleMs: number;
  /** Closed this long after it opened, however busy: a transfer-allowed one once its running answer is sent. */
  maxConnectionMs: number;
  /** Closed when an answer has waited this long for the client to read it (a reader that takes a byte a minute). */
  stallMs: number;
}

/** Each listener (DNS over TCP, HTTP, the stop page) gets a fifth of the descriptors, leaving 40% to the rest. */
export function listenerShare(descriptorLimit: number): number {
  return Math.max(16, Math.min(4096, Math.floor(descriptorLimit / 5)));
}

/** The defaults for a process that may open `descriptorLimit` files (its soft RLIMIT_NOFILE). */
export function tcpConnectionLimits(descriptorLimit: number): TcpConnectionLimits {
  const maxConnections = listenerShare(descriptorLimit);
  return {
    maxConnections,
    reservedConnections: Math.max(4, Math.floor(maxConnections / 8)),
    maxConnectionsPerClient: 16,
    maxInFlight: 16,
    maxQueuedBytes: 256 * 1024,
    idleMs: 10_000,
    maxConnectionMs: 120_000,
    stallMs: 30_000,
  };
}
