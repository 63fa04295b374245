import type { Locale } from "../locale/locale.ts";
import { type CliTextKey, cliText } from "./cli-texts.ts";

/**
 * commander writes its parse errors (an unknown option, a missing argument, a refused value) in English before it
 * throws, and has no catalogue of its own; the command-line texts do. Each of its sentences is read back into a
 * text key and its values, and told again in the person's language; a sentence not known here is left as it is,
 * so that a newer commander never loses an error, only its translation.
 */
export function commanderMessage(text: string, locale: Locale): string {
  const ending = text.endsWith("\n") ? "\n" : "";
  const body = ending ? text.slice(0, -1) : text;
  const [first = "", ...rest] = body.split("\n");
  const told = sentence(first, locale);
  if (told === undefined) return text;
  const suggestion = rest.map((line) => didYouMean(line, locale) ?? line);
  return [told, ...suggestion].join("\n") + ending;
}

type Reading = (match: RegExpMatchArray, locale: Locale) => string;

const say =
  (key: CliTextKey, names: string[]): Reading =>
  (match, locale) =>
    cliText(locale, key, Object.fromEntries(names.map((name, at) => [name, match[at + 1] ?? ""])));

// commander 14's sentences (lib/command.js, lib/option.js): each pattern is the English text of one key.
const readings: [RegExp, Reading][] = [
  [/^error: unknown option '(.*)'$/, say("commander.unknownOption", ["flag"])],
  [/^error: unknown command '(.*)'$/, say("commander.unknownCommand", ["name"])],
  [/^error: missing required argument '(.*)'$/, say("commander.missingArgument", ["name"])],
  [/^error: option '(.*)' argument missing$/, say("commander.optionMissingArgument", ["flags"])],
  [/^error: required option '(.*)' not specified$/, say("commander.missingMandatoryOption", ["flags"])],
  [
    /^error: option '(.*)' cannot be used with option '(.*)'$/,
    say("commander.conflictingOptions", ["first", "second"]),
  ],
  [
    /^error: too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+)\.$/,
    (match, locale) =>
      cliText(locale, "commander.excessArguments", {
        command: match[1] ?? "none",
        expected: Number(match[2]),
        got: Number(match[3]),
      }),
  ],
  [
    /^error: option '(.*?)' argument '(.*)' is invalid\.(?: (.*))?$/,
    (match, locale) =>
      withDetail(
        cliText(locale, "commander.invalidOptionValue", { flags: match[1]!, value: match[2]! }),
        match[3],
        locale,
      ),
  ],
  [
    /^error: command-argument value '(.*)' is invalid for argument '(.*?)'\.(?: (.*))?$/,
    (match, locale) =>
      withDetail(
        cliText(locale, "commander.invalidArgumentValue", { value: match[1]!, name: match[2]! }),
        match[3],
        locale,
      ),
  ],
];

// Why a value was refused: commander's list of choices, or decree's own whole-number parser (parse-options.ts).
const details: [RegExp, Reading][] = [
  [/^Allowed choices are (.*)\.$/, say("commander.choices", ["choices"])],
  [
    /^NUMBER_INVALID: "(.*)" is not a whole number in plain decimal digits \(no sign, leading zero, exponent or prefix\)\.$/,
    say("commander.numberNotDecimal", ["text"]),
  ],
  [
    /^NUMBER_INVALID: (.*) is out of range: from (\d+) to (\d+)\.$/,
    say("commander.numberOutOfRange", ["text", "min", "max"]),
  ],
];

function sentence(text: string, locale: Locale): string | undefined {
  return readOne(readings, text, locale);
}

function withDetail(head: string, detail: string | undefined, locale: Locale): string {
  if (detail === undefined) return head;
  return `${head} ${readOne(details, detail, locale) ?? detail}`;
}

function didYouMean(line: string, locale: Locale): string | undefined {
  const match = /^\(Did you mean (.*)\?\)$/.exec(line);
  return match ? cliText(locale, "commander.didYouMean", { suggestion: match[1]! }) : undefined;
}

function readOne(table: [RegExp, Reading][], text: string, locale: Locale): string | undefined {
  for (const [pattern, reading] of table) {
    const match = text.match(pattern);
    if (match) return reading(match, locale);
  }
  return undefined;
}
