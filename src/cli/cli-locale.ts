import type { Command } from "commander";
import { environmentLocale } from "../locale/environment-locale.ts";
import { type Locale, localeOfTag } from "../locale/locale.ts";

/**
 * The language a command speaks to people: --lang, else the environment as POSIX reads it (LC_ALL, LC_MESSAGES,
 * LANG). It changes messages only: `--json` keeps English field names, codes and values.
 */
export function cliLocale(lang: string | undefined, env: NodeJS.ProcessEnv = process.env): Locale {
  return (lang !== undefined && localeOfTag(lang)) || environmentLocale(env);
}

export function localeOf(command: Command): Locale {
  return cliLocale(command.optsWithGlobals<{ lang?: string }>().lang);
}
