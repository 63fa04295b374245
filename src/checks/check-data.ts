import { readFileSync, statSync } from "node:fs";
import type { Kysely } from "kysely";
import { z } from "zod";
import { DecreeError } from "../errors/decree-error.ts";
import { normalizeHostName } from "../names/normalize-host-name.ts";
import type { Database } from "../store/database.ts";
import { type AsnClass, checkDataKinds } from "../vocabulary/vocabulary.ts";
import { AddressRanges, toInterval } from "./address-ranges.ts";
import { NameList } from "./name-list.ts";

/** Where a list came from: the shipped file, a configured file, or a copy loaded with `decree data update`. */
export interface DataOrigin {
  origin: "shipped" | "configured" | "loaded";
  date: string;
  source: string;
}

export interface ProtectedName {
  category: string;
  source: string;
  list: DataOrigin;
}

export interface SharedRange {
  provider: string;
  source: string;
  date: string;
  list: DataOrigin;
}

export interface Exemption {
  reason: string;
  list: DataOrigin;
}

export interface HostingPlatform {
  source: string;
}

export interface ClassifiedNetwork {
  asn: number;
  class: AsnClass;
  name: string;
  source: string;
  list: DataOrigin;
}

export interface PublicResolver {
  operator: string;
  source: string;
  list: DataOrigin;
}

/** The safeguards' data, parsed once and shared by every run until a newer copy is loaded. */
export interface CheckData {
  protectedNames: NameList<ProtectedName>;
  sharedInfrastructure: AddressRanges<SharedRange>;
  exemptNames: NameList<Exemption>;
  exemptRanges: AddressRanges<Exemption>;
  hostingPlatforms: NameList<HostingPlatform>;
  /** Autonomous systems by number, with their class (data/asn-classes.json). */
  asnClasses: Map<number, ClassifiedNetwork>;
  publicResolverAddresses: AddressRanges<PublicResolver>;
  publicResolverNames: NameList<PublicResolver>;
}

/** Configuration that extends the shipped lists (config keys protectedNamesFile and exemptionsFile). */
export interface CheckSettings {
  protectedNamesFile?: string | undefined;
  exemptionsFile?: string | undefined;
  /** The resolver the DNS snapshot asks (config `checkResolver`); unset: no snapshot, said as an info finding. */
  checkResolver?: { host: string; port: number } | undefined;
  /** A folder holding a newer @ip-location-db/asn release (config `asnDataFolder`); the shipped one by default. */
  asnDataFolder?: string | undefined;
  /** More distinct sites than this on an address is `review` (config `coHostingReviewSites`, default 1). */
  coHostingReviewSites?: number | undefined;
  /** More distinct sites than this on an address is `block` (config `coHostingBlockSites`, default 50). */
  coHostingBlockSites?: number | undefined;
}

const hostName = z.string().transform((raw, context) => {
  const name = normalizeHostName(raw);
  if (name.ok) return name.value;
  context.addIssue({ code: "custom", message: `${raw}: ${name.message}` });
  return z.NEVER;
});

const addressOrPrefix = z.string().refine((text) => {
  try {
    toInterval(text);
    return true;
  } catch {
    return false;
  }
}, "not an IP address or prefix");

const header = { date: z.string().min(1), source: z.string().min(1) };

export const protectedNamesSchema = z.object({
  ...header,
  names: z.array(z.object({ name: hostName, category: z.string(), source: z.string().min(1) })).min(1),
});

export const sharedInfrastructureSchema = z.object({
  ...header,
  sets: z
    .array(
      z.object({
        provider: z.string().min(1),
        source: z.string().min(1),
        date: z.string().min(1),
        ranges: z.array(addressOrPrefix).min(1),
      }),
    )
    .min(1),
});

export const asnClassesSchema = z.object({
  ...header,
  networks: z
    .array(
      z.object({
        asn: z.number().int().min(0).max(4_294_967_295),
        class: z.enum(["cdn", "cloud", "hosting", "public-dns", "access"]),
        name: z.string().min(1),
        source: z.string().min(1),
      }),
    )
    .min(1),
});

export const publicResolversSchema = z.object({
  ...header,
  resolvers: z
    .array(
      z.object({
        operator: z.string().min(1),
        source: z.string().min(1),
        addresses: z.array(addressOrPrefix),
        names: z.array(hostName),
      }),
    )
    .min(1),
});

const exemptionsSchema = z.object({
  date: z.string().default(""),
  source: z.string().default(""),
  exemptions: z.array(z.object({ value: z.string().min(1), reason: z.string().min(1) })),
});

const hostingPlatformsSchema = z.object({
  platforms: z.array(z.object({ name: hostName, source: z.string().min(1) })),
});

export const checkDataSchemas = {
  "shared-infrastructure": sharedInfrastructureSchema,
  "protected-names": protectedNamesSchema,
  "asn-classes": asnClassesSchema,
  "public-resolvers": publicResolversSchema,
} as const;

const shippedFiles = {
  "shared-infrastructure": new URL("../../data/shared-infrastructure.json", import.meta.url),
  "protected-names": new URL("../../data/protected-names.json", import.meta.url),
  exemptions: new URL("../../data/exemptions.json", import.meta.url),
  "hosting-platforms": new URL("../../data/hosting-platforms.json", import.meta.url),
  "asn-classes": new URL("../../data/asn-classes.json", import.meta.url),
  "public-resolvers": new URL("../../data/public-resolvers.json", import.meta.url),
};

/** Parsed lists by what they were parsed from, so that a run pays only for a look-up of the newest copy. */
const parsed = new Map<string, unknown>();

/**
 * The data the checks use: for shared infrastructure and protected names, the newest copy loaded into the
 * store, else the shipped file; protected names and exemptions extended by the configured files.
 */
export async function loadCheckData(db: Kysely<Database>, settings: CheckSettings = {}): Promise<CheckData> {
  const newest = await newestLoaded(db);
  const [ranges, names, classes, resolvers] = checkDataKinds.map((kind) => newest.get(kind));
  // Keyed by the copy's digest, not its id: two stores (or a rebuilt one) can have different copies under one id.
  const namesKey = `protected:${names?.sha256 ?? "shipped"}:${fileKey(settings.protectedNamesFile)}`;
  const protectedNames = parsed.has(namesKey)
    ? (parsed.get(namesKey) as NameList<ProtectedName>)
    : cached(namesKey, buildProtectedNames(await dataOf(db, names), settings.protectedNamesFile));
  const rangesKey = `ranges:${ranges?.sha256 ?? "shipped"}`;
  const sharedInfrastructure = parsed.has(rangesKey)
    ? (parsed.get(rangesKey) as AddressRanges<SharedRange>)
    : cached(rangesKey, buildRanges(await dataOf(db, ranges)));
  const exemptionsKey = `exemptions:${fileKey(settings.exemptionsFile)}`;
  const exemptions = parsed.has(exemptionsKey)
    ? (parsed.get(exemptionsKey) as ReturnType<typeof buildExemptions>)
    : cached(exemptionsKey, buildExemptions(settings.exemptionsFile));
  const hostingPlatforms = parsed.has("platforms")
    ? (parsed.get("platforms") as NameList<HostingPlatform>)
    : cached("platforms", buildPlatforms());
  const classesKey = `asn-classes:${classes?.sha256 ?? "shipped"}`;
  const asnClasses = parsed.has(classesKey)
    ? (parsed.get(classesKey) as Map<number, ClassifiedNetwork>)
    : cached(classesKey, buildAsnClasses(await dataOf(db, classes)));
  const resolversKey = `public-resolvers:${resolvers?.sha256 ?? "shipped"}`;
  const publicResolvers = parsed.has(resolversKey)
    ? (parsed.get(resolversKey) as ReturnType<typeof buildPublicResolvers>)
    : cached(resolversKey, buildPublicResolvers(await dataOf(db, resolvers)));
  return {
    protectedNames,
    sharedInfrastructure,
    ...exemptions,
    hostingPlatforms,
    asnClasses,
    ...publicResolvers,
  };
}

function buildAsnClasses(loaded: LoadedCopy | undefined): Map<number, ClassifiedNetwork> {
  const file = asnClassesSchema.parse(
    loaded ? JSON.parse(loaded.data) : readJson(shippedFiles["asn-classes"]),
  );
  const list: DataOrigin = { origin: loaded ? "loaded" : "shipped", date: file.date, source: file.source };
  return new Map(file.networks.map((network) => [network.asn, { ...network, list }]));
}

function buildPublicResolvers(loaded: LoadedCopy | undefined) {
  const file = publicResolversSchema.parse(
    loaded ? JSON.parse(loaded.data) : readJson(shippedFiles["public-resolvers"]),
  );
  const list: DataOrigin = { origin: loaded ? "loaded" : "shipped", date: file.date, source: file.source };
  return {
    publicResolverAddresses: new AddressRanges(
      file.resolvers.flatMap(({ operator, source, addresses }) =>
        addresses.map((range) => ({ range, entry: { operator, source, list } })),
      ),
    ),
    publicResolverNames: new NameList(
      file.resolvers.flatMap(({ operator, source, names }) =>
        names.map((name) => ({ name, entry: { operator, source, list } })),
      ),
    ),
  };
}

function cached<T>(key: string, value: T): T {
  parsed.set(key, value);
  return value;
}

interface LoadedHead {
  id: number;
  sha256: string;
  date: string;
  source: string;
}

interface LoadedCopy extends LoadedHead {
  data: string;
}

/** The newest copy of each kind, in one query: every submission asks, so it costs one round trip, not two. */
async function newestLoaded(db: Kysely<Database>): Promise<Map<string, LoadedHead>> {
  const rows = await db
    .selectFrom("checks_data")
    .select(["id", "kind", "sha256", "data_date", "source"])
    .where("id", "in", (eb) =>
      eb
        .selectFrom("checks_data")
        .select((inner) => inner.fn.max("id").as("id"))
        .groupBy("kind"),
    )
    .execute();
  return new Map(
    rows.map((row) => [
      row.kind,
      { id: Number(row.id), sha256: row.sha256, date: row.data_date, source: row.source },
    ]),
  );
}

/** The data itself is read only when that copy has not been parsed yet. */
async function dataOf(db: Kysely<Database>, head: LoadedHead | undefined): Promise<LoadedCopy | undefined> {
  if (!head) return undefined;
  const row = await db
    .selectFrom("checks_data")
    .select("data")
    .where("id", "=", head.id)
    .executeTakeFirstOrThrow();
  return { ...head, data: row.data };
}

function buildPlatforms() {
  const file = hostingPlatformsSchema.parse(readJson(shippedFiles["hosting-platforms"]));
  return new NameList(file.platforms.map(({ name, source }) => ({ name, entry: { source } })));
}

function buildProtectedNames(loaded: LoadedCopy | undefined, extraFile: string | undefined) {
  const files: Array<{ file: z.infer<typeof protectedNamesSchema>; origin: DataOrigin["origin"] }> = [
    {
      file: protectedNamesSchema.parse(
        loaded ? JSON.parse(loaded.data) : readJson(shippedFiles["protected-names"]),
      ),
      origin: loaded ? "loaded" : "shipped",
    },
  ];
  if (extraFile) files.push({ file: parseFile(protectedNamesSchema, extraFile), origin: "configured" });
  return new NameList(
    files.flatMap(({ file, origin }) => {
      const list = { origin, date: file.date, source: file.source };
      return file.names.map(({ name, category, source }) => ({ name, entry: { category, source, list } }));
    }),
  );
}

function buildRanges(loaded: LoadedCopy | undefined) {
  const file = sharedInfrastructureSchema.parse(
    loaded ? JSON.parse(loaded.data) : readJson(shippedFiles["shared-infrastructure"]),
  );
  const list: DataOrigin = { origin: loaded ? "loaded" : "shipped", date: file.date, source: file.source };
  return new AddressRanges(
    file.sets.flatMap(({ provider, source, date, ranges }) =>
      ranges.map((range) => ({ range, entry: { provider, source, date, list } })),
    ),
  );
}

function buildExemptions(extraFile: string | undefined) {
  const files: Array<{ file: z.infer<typeof exemptionsSchema>; origin: DataOrigin["origin"] }> = [
    { file: exemptionsSchema.parse(readJson(shippedFiles.exemptions)), origin: "shipped" },
  ];
  if (extraFile) files.push({ file: parseFile(exemptionsSchema, extraFile), origin: "configured" });
  const names: Array<{ name: string; entry: Exemption }> = [];
  const ranges: Array<{ range: string; entry: Exemption }> = [];
  for (const { file, origin } of files) {
    const list = { origin, date: file.date, source: file.source };
    for (const { value, reason } of file.exemptions) {
      if (isAddressOrPrefix(value)) ranges.push({ range: value, entry: { reason, list } });
      else names.push({ name: hostName.parse(value), entry: { reason, list } });
    }
  }
  return { exemptNames: new NameList(names), exemptRanges: new AddressRanges(ranges) };
}

function isAddressOrPrefix(text: string): boolean {
  return addressOrPrefix.safeParse(text).success;
}

function fileKey(path: string | undefined): string {
  if (!path) return "none";
  try {
    return `${path}@${statSync(path).mtimeMs}`;
  } catch {
    return `${path}@missing`;
  }
}

function readJson(path: URL | string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Reads and validates a data file a person gave (configuration, `decree data update`). */
export function parseFile<T extends z.ZodType>(schema: T, path: string): z.infer<T> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new DecreeError("CHECKS_DATA_UNREADABLE", `Cannot read ${path}: ${(error as Error).message}.`);
  }
  return parseText(schema, text, path);
}

export function parseText<T extends z.ZodType>(schema: T, text: string, path: string): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DecreeError("CHECKS_DATA_INVALID", `${path} is not JSON: ${(error as Error).message}.`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new DecreeError(
      "CHECKS_DATA_INVALID",
      `${path}: ${issue?.path.join(".") || "the file"}: ${issue?.message}. See data/ for the format.`,
    );
  }
  return result.data;
}
