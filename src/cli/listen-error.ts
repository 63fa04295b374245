import type { ServiceConfig } from "../config/load-config.ts";
import { DecreeError } from "../errors/decree-error.ts";

interface ListenFailure {
  code?: unknown;
  port?: unknown;
  address?: unknown;
  syscall?: unknown;
}

/** Which of serve's addresses a port belongs to, and the flag and variable that choose it. */
function addressNamed(config: ServiceConfig, port: unknown): { what: string; flag: string; env: string } {
  if (port === config.dns.port) return { what: "DNS", flag: "--dns", env: "DECREE_DNS" };
  if (port === config.stop.port) return { what: "stop page", flag: "--stop", env: "DECREE_STOP" };
  return { what: "HTTP", flag: "--http", env: "DECREE_HTTP" };
}

/**
 * A listen or bind that failed at start-up, as one line with the fix: the port is taken (EADDRINUSE), or the
 * address is not this machine's or the port is privileged (EADDRNOTAVAIL, EACCES). Other errors pass unchanged.
 */
export function listenError(error: unknown, config: ServiceConfig): unknown {
  const failure = (error ?? {}) as ListenFailure;
  if (failure.syscall !== "listen" && failure.syscall !== "bind") return error;
  const { what, flag, env } = addressNamed(config, failure.port);
  const where = `${String(failure.address).includes(":") ? `[${failure.address}]` : failure.address}:${failure.port}`;
  if (failure.code === "EADDRINUSE") {
    return new DecreeError(
      "SERVE_PORT_IN_USE",
      `${where} (${what}) is already in use; stop the program that holds it, or choose another address with ` +
        `${flag} HOST:PORT or ${env}.`,
    );
  }
  if (failure.code === "EADDRNOTAVAIL" || failure.code === "EACCES") {
    return new DecreeError(
      "SERVE_ADDRESS_UNUSABLE",
      `${where} (${what}) cannot be used (${failure.code}): choose an address of this machine and a port above ` +
        `1023 (or grant CAP_NET_BIND_SERVICE), with ${flag} HOST:PORT or ${env}.`,
    );
  }
  return error;
}
