// The last SOA serial this data folder served, kept outside the store: a store that is reset, restored from a
// backup or moved to another engine loses its own memory of the serials secondaries hold, this file does not.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DecreeError } from "../../errors/decree-error.ts";
import { serialLessThan } from "./soa-serial.ts";

export const servedSerialFileName = "served-serial.json";

/** The greatest serial served from a data folder (RFC 1982 order), read once at start and raised on each release. */
export class ServedSerial {
  readonly path: string;
  private current: number | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, servedSerialFileName);
  }

  /** Reads the file; a file that exists but cannot be read refuses the start rather than guess a serial. */
  async load(): Promise<number | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw unreadable(this.path, (error as Error).message);
    }
    let serial: unknown;
    try {
      serial = (JSON.parse(text) as { serial?: unknown }).serial;
    } catch (error) {
      throw unreadable(this.path, (error as Error).message);
    }
    if (typeof serial !== "number" || !Number.isInteger(serial) || serial < 0 || serial >= 2 ** 32) {
      throw unreadable(this.path, "no serial between 0 and 2^32 - 1 in it");
    }
    this.current = serial;
    return serial;
  }

  get value(): number | undefined {
    return this.current;
  }

  /** Keeps `serial` if it is past the one kept; written beside and renamed, so a crash never leaves half a file. */
  record(serial: number): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.current !== undefined && !serialLessThan(this.current, serial)) return;
      this.current = serial;
      await mkdir(join(this.path, ".."), { recursive: true });
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify({ serial, at: new Date().toISOString() })}\n`);
      await rename(temporary, this.path);
    });
    return this.writing;
  }
}

function unreadable(path: string, reason: string): DecreeError {
  return new DecreeError(
    "SERIAL_STATE_UNREADABLE",
    `The last served SOA serial in ${path} cannot be read (${reason}). Fix the file to {"serial": N} with the ` +
      "serial secondaries hold (dig SOA at one of them), or delete it if no secondary ever transferred from here.",
    { path },
  );
}
