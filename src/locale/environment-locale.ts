import { defaultLocale, type Locale, localeOfTag } from "./locale.ts";

/**
 * The language of messages for a process, as POSIX chooses it (XBD §8.2): LC_ALL, else LC_MESSAGES, else LANG,
 * the first one set and not empty. `C`, `POSIX` and a language decree does not speak give English.
 */
export function environmentLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  const chosen = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  return (chosen && localeOfTag(chosen)) || defaultLocale;
}
