import { IntlMessageFormat } from "intl-messageformat";
import type { Locale } from "./locale.ts";

/**
 * The values a message template fills in: names, codes, counts, and lists of alternatives, which each language
 * joins its own way ("dns-block or delist", « dns-block ou delist »); other lists are joined before they get here.
 */
export type MessageParams = Readonly<Record<string, string | number | readonly string[]>>;

const compiled = new Map<string, IntlMessageFormat>();

/**
 * Fills an ICU MessageFormat template (plural, select, number) in `locale`; numbers and plural rules follow
 * Intl for that language. Each template is parsed once per process.
 */
export function formatMessage(template: string, locale: Locale, params: MessageParams = {}): string {
  const key = `${locale}\u0000${template}`;
  let format = compiled.get(key);
  if (!format) {
    format = new IntlMessageFormat(template, locale);
    compiled.set(key, format);
  }
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    values[name] = typeof value === "object" ? alternatives(locale).format(value) : value;
  }
  return String(format.format(values));
}

const listFormats = new Map<Locale, Intl.ListFormat>();

function alternatives(locale: Locale): Intl.ListFormat {
  let format = listFormats.get(locale);
  if (!format) {
    format = new Intl.ListFormat(locale, { type: "disjunction" });
    listFormats.set(locale, format);
  }
  return format;
}

type Element = ReturnType<IntlMessageFormat["getAst"]>[number];

/** The names a template fills in, sorted: two languages' texts of one message must fill the same ones. */
export function placeholdersOf(template: string): string[] {
  const names = new Set<string>();
  const walk = (elements: readonly Element[]) => {
    for (const element of elements) {
      // Literals (type 0) hold text, not a name; every other element with a string value names an argument.
      if (element.type !== 0 && "value" in element && typeof element.value === "string") {
        names.add(element.value);
      }
      if ("options" in element) {
        for (const option of Object.values(element.options)) walk((option as { value: Element[] }).value);
      }
      if ("children" in element) walk(element.children);
    }
  };
  walk(new IntlMessageFormat(template, "en").getAst());
  return [...names].sort();
}
