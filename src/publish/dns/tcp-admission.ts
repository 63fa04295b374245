import { clientPrefix } from "./client-prefix.ts";
import type { TcpConnectionLimits } from "./tcp-connection-limits.ts";

export type AdmissionRefusal = "per-client" | "full";

interface Held {
  client: string;
  reserved: boolean;
}

/**
 * Which new TCP connections the primary takes: at most `maxConnections` in all, of which the last
 * `reservedConnections` only for transfer-allowed addresses, and at most `maxConnectionsPerClient` from any one
 * other client. When the public share is full, the connection that has been idle longest makes room
 * (RFC 7766 §6.2.3: a server under pressure may close idle connections), so a flood of silent connections
 * cannot keep out a client that asks something.
 */
export class TcpAdmission<C> {
  private readonly held = new Map<C, Held>();
  /** Public connections, least recently active first. */
  private readonly publicByActivity = new Map<C, true>();
  private readonly perClient = new Map<string, number>();
  private reservedCount = 0;

  constructor(private readonly limits: TcpConnectionLimits) {}

  /**
   * Takes `connection` or says why not; `isIdle` tells which public connections may be closed to make room, and
   * `close` closes one (it must call `release`).
   */
  admit(
    connection: C,
    address: string,
    reserved: boolean,
    isIdle: (other: C) => boolean,
    close: (other: C) => void,
  ): AdmissionRefusal | undefined {
    const client = clientPrefix(address, 32, 64);
    if (!reserved && (this.perClient.get(client) ?? 0) >= this.limits.maxConnectionsPerClient) {
      return "per-client";
    }
    const publicRoom = this.limits.maxConnections - this.limits.reservedConnections;
    const full = () =>
      reserved ? this.held.size >= this.limits.maxConnections : this.publicByActivity.size >= publicRoom;
    if (full()) {
      const victim = this.oldestIdle(isIdle);
      if (victim === undefined) return "full";
      close(victim);
      this.release(victim);
      if (full()) return "full";
    }
    this.held.set(connection, { client, reserved });
    if (reserved) this.reservedCount++;
    else {
      this.publicByActivity.set(connection, true);
      this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
    }
    return undefined;
  }

  /** A complete message arrived on `connection`: it is the last one to be closed for room. */
  touch(connection: C): void {
    if (!this.publicByActivity.delete(connection)) return;
    this.publicByActivity.set(connection, true);
  }

  release(connection: C): void {
    const held = this.held.get(connection);
    if (!held) return;
    this.held.delete(connection);
    if (held.reserved) {
      this.reservedCount--;
      return;
    }
    this.publicByActivity.delete(connection);
    const count = (this.perClient.get(held.client) ?? 1) - 1;
    if (count <= 0) this.perClient.delete(held.client);
    else this.perClient.set(held.client, count);
  }

  counts(): { total: number; reserved: number; clients: number } {
    return { total: this.held.size, reserved: this.reservedCount, clients: this.perClient.size };
  }

  private oldestIdle(isIdle: (other: C) => boolean): C | undefined {
    // Bounded, so that a new connection costs the same when every old one is busy.
    let looked = 0;
    for (const candidate of this.publicByActivity.keys()) {
      if (isIdle(candidate)) return candidate;
      if (++looked >= 64) break;
    }
    return undefined;
  }
}
