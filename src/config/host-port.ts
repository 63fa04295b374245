import { DecreeError } from "../errors/decree-error.ts";

export interface HostPort {
  host: string;
  port: number;
}

/** Parses HOST:PORT, with IPv6 hosts in brackets as in URLs (RFC 3986): [::1]:5300. */
export function parseHostPort(text: string, what: string): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (!match || !host || port > 65535) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `${what} "${text}" is not HOST:PORT. Write e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080 (port 0 picks a free one).`,
    );
  }
  return { host, port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
