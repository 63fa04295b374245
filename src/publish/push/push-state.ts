// The push's memory between runs: which decree serial the external primary holds, and the serial the server
// gave its zone right after decree's last update. When the server's serial is still that one, nobody else has
// changed the zone, and a restart sends only the releases since (as IXFR would, RFC 1995); otherwise it
// resynchronises the whole zone.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { type ExternalServer, serverLabel } from "./push-connection.ts";

export interface PushState {
  /** `host:port` of the external primary. */
  server: string;
  zone: string;
  /** decree's serial (release) the server holds. */
  serial: number;
  /** The server's own SOA serial after that push. */
  serverSerial: number;
  pushedAt: string;
}

const stateSchema = z.object({
  server: z.string(),
  zone: z.string(),
  serial: z.number().int().min(0),
  serverSerial: z.number().int().min(0),
  pushedAt: z.string(),
});

/** `<dataDir>/push-<host>-<port>.json`, the host made safe for a file name (IPv6 colons). */
export function defaultPushStatePath(dataDir: string, server: ExternalServer): string {
  return join(dataDir, `push-${server.host.replace(/[^A-Za-z0-9.-]/g, "_")}-${server.port}.json`);
}

/** The state for this server and zone, or undefined when there is none, it is unreadable, or for another. */
export async function readPushState(
  path: string,
  server: ExternalServer,
  zone: string,
): Promise<PushState | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  let parsed: ReturnType<typeof stateSchema.safeParse>;
  try {
    parsed = stateSchema.safeParse(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  const state = parsed.data;
  return state.server === serverLabel(server) && state.zone === zone ? state : undefined;
}

/** Written to a temporary file and renamed over the old one, so a crash never leaves half a state. */
export async function writePushState(path: string, state: PushState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, path);
}
