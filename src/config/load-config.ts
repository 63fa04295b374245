import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DecreeError } from "../errors/decree-error.ts";
import { type HostPort, parseHostPort } from "./host-port.ts";

export interface ServiceConfig {
  dataDir: string;
  databaseUrl: string | undefined;
  http: HostPort;
  dns: HostPort;
  demo: boolean;
  /** The config file that was read, if any. */
  configFile: string | undefined;
}

/** What the command line said; absent means "not given", so the environment and the file may decide. */
export interface ConfigFlags {
  config?: string | undefined;
  data?: string | undefined;
  databaseUrl?: string | undefined;
  http?: string | undefined;
  dns?: string | undefined;
  demo?: boolean | undefined;
}

export const defaultConfigFile = "decree.yaml";

const fileSchema = z
  .object({
    data: z.string().optional(),
    databaseUrl: z.string().optional(),
    http: z.string().optional(),
    dns: z.string().optional(),
    demo: z.boolean().optional(),
  })
  .strict();

/** Every setting comes from, in order: a flag, an environment variable, the config file, a default. */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const configFile =
    flags.config ?? env.DECREE_CONFIG ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  const file = configFile ? readConfigFile(configFile) : {};
  const pick = (flag: string | undefined, envName: string, fromFile: string | undefined, fallback: string) =>
    flag ?? nonEmpty(env[envName]) ?? fromFile ?? fallback;
  return {
    dataDir: pick(flags.data, "DECREE_DATA", file.data, "data"),
    databaseUrl:
      flags.databaseUrl ??
      nonEmpty(env.DATABASE_URL) ??
      nonEmpty(env.DECREE_DATABASE_URL) ??
      file.databaseUrl,
    http: parseHostPort(pick(flags.http, "DECREE_HTTP", file.http, "127.0.0.1:8080"), "HTTP address"),
    dns: parseHostPort(pick(flags.dns, "DECREE_DNS", file.dns, "127.0.0.1:5300"), "DNS address"),
    demo: flags.demo ?? parseBoolean(env.DECREE_DEMO) ?? file.demo ?? false,
    configFile,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new DecreeError("CONFIG_INVALID", `DECREE_DEMO="${value}" is not a boolean; use true or false.`);
}

function readConfigFile(path: string): z.infer<typeof fileSchema> {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `Cannot read the config file ${path}: ${(error as Error).message}`,
    );
  }
  const result = fileSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`)
      .join("; ");
    throw new DecreeError(
      "CONFIG_INVALID",
      `${path}: ${problems}. Known keys: data, databaseUrl, http, dns, demo.`,
    );
  }
  return result.data;
}
