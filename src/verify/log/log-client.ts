import { DecreeError } from "../../errors/decree-error.ts";
import { tileIndexPath } from "../../registry/log/tile-math.ts";

export interface ServedEntry {
  index: number;
  eventId: number;
  leaf: Record<string, unknown>;
  leafHash: string;
  /** A committed leaf's event, served once its subject is public: base64 salt and the leaf data. */
  reveal?: { salt: string; leaf: Record<string, unknown> } | undefined;
}

const pageSize = 1000;
const timeoutMs = 30_000;

/** Reads a registry's public log over HTTP (the /log routes): what `decree verify` asks of a registry. */
export class LogClient {
  readonly base: string;

  /** `url` is the registry's address, with or without `/log` at the end. */
  constructor(url: string) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DecreeError(
        "VERIFY_INPUT_INVALID",
        `"${url}" is not a URL; give the registry's address, e.g. https://registry.example.org.`,
      );
    }
    this.base = parsed.href.replace(/\/+$/, "").replace(/\/log$/, "");
  }

  checkpoint(): Promise<string> {
    return this.text("/log/checkpoint");
  }

  async registryKey(): Promise<string> {
    const keys = (await this.json("/keys")) as { publicKey?: unknown };
    if (typeof keys.publicKey !== "string") throw this.unreadable("/keys", "no publicKey");
    return keys.publicKey;
  }

  consistency(from: number, to: number) {
    return this.json(`/log/proof/consistency?from=${from}&to=${to}`) as Promise<{
      fromRoot: string;
      toRoot: string;
      proof: string[];
    }>;
  }

  /** Entries [start, end) in pages, as they come. */
  async *entries(start: number, end: number): AsyncGenerator<ServedEntry[]> {
    for (let from = start; from < end; from += pageSize) {
      const to = Math.min(end, from + pageSize);
      const page = (await this.json(`/log/entries?start=${from}&end=${to}`)) as { entries?: ServedEntry[] };
      if (!Array.isArray(page.entries) || page.entries.length !== to - from) {
        throw this.unreadable(
          "/log/entries",
          `asked for ${to - from} entries from ${from}, got ${page.entries?.length ?? "none"}`,
        );
      }
      yield page.entries;
    }
  }

  /** A level-0 tile's leaf hashes (C2SP tlog-tiles), to find which leaves a root mismatch comes from. */
  async leafTile(tile: number, width: number): Promise<Buffer> {
    const path = tileIndexPath(tile);
    const response = await this.fetch(`/log/tile/0/${path}${width === 256 ? "" : `.p/${width}`}`);
    return Buffer.from(await response.arrayBuffer());
  }

  private async text(path: string): Promise<string> {
    return (await this.fetch(path)).text();
  }

  private async json(path: string): Promise<unknown> {
    return (await this.fetch(path)).json();
  }

  private async fetch(path: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw this.unreadable(path, (error as Error).message);
    }
    if (!response.ok)
      throw this.unreadable(path, `HTTP ${response.status} ${await response.text().catch(() => "")}`.trim());
    return response;
  }

  private unreadable(path: string, why: string): DecreeError {
    return new DecreeError("VERIFY_INPUT_INVALID", `Could not read ${this.base}${path}: ${why}.`);
  }
}
