import { readFileSync } from "node:fs";
import { z } from "zod";
import { DecreeError } from "../errors/decree-error.ts";

export interface CdnSuffix {
  suffix: string;
  provider: string;
  kind: "cdn" | "shared-host";
  source: string;
}

const fileSchema = z.object({
  about: z.string(),
  date: z.string(),
  suffixes: z.array(
    z
      .object({
        suffix: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/),
        provider: z.string().min(1),
        kind: z.enum(["cdn", "shared-host"]),
        source: z.string().min(1),
      })
      .strict(),
  ),
});

const shipped = new URL("../../data/cdn-cname-suffixes.json", import.meta.url);

/**
 * The CNAME suffixes of CDNs and shared hosts (data/cdn-cname-suffixes.json): an alias into one means the name is
 * served from addresses many unrelated sites share. Looked up label by label from the right, so a check of a
 * chain costs a few map lookups whatever the size of the list.
 */
export class CdnSuffixes {
  readonly date: string;
  readonly #bySuffix = new Map<string, CdnSuffix>();

  constructor(file: z.infer<typeof fileSchema>) {
    this.date = file.date;
    for (const entry of file.suffixes) this.#bySuffix.set(entry.suffix, entry);
  }

  /** The longest listed suffix `name` equals or ends in. */
  find(name: string): CdnSuffix | undefined {
    const labels = name.toLowerCase().replace(/\.$/, "").split(".");
    for (let start = 0; start < labels.length - 1; start++) {
      const found = this.#bySuffix.get(labels.slice(start).join("."));
      if (found) return found;
    }
    return undefined;
  }
}

let loaded: CdnSuffixes | undefined;

/** The shipped list, read once per process. */
export function shippedCdnSuffixes(): CdnSuffixes {
  if (loaded) return loaded;
  const result = fileSchema.safeParse(JSON.parse(readFileSync(shipped, "utf8")));
  if (!result.success) {
    throw new DecreeError("CHECKS_DATA_INVALID", `data/cdn-cname-suffixes.json: ${result.error.message}`);
  }
  loaded = new CdnSuffixes(result.data);
  return loaded;
}
