import assert from "node:assert/strict";
import { parseCsv } from "./parse-csv.ts";

/*
 * The rules the measurement community publishes for the two formats, written as checks. Where they come from:
 *
 * - Citizen Lab test lists: the citizenlab/test-lists repository. Its README ("Current data format") names the
 *   six columns; its lint script (scripts/lint-lists.py) is what every list must pass: exactly six fields a row;
 *   a url with an http or https scheme, a host of DNS labels (or an IPv4 address), an optional port, a path
 *   that is at least "/", no whitespace, no tab, CR, LF or backslash, nothing around it; a category_code of the
 *   legend (lists/00-LEGEND-new_category_codes.csv) and exactly the legend's description beside it; a
 *   date_added that is a real YYYY-MM-DD date; source and notes without tab, CR, LF or backslash; each url once
 *   in a list. The files end lines in LF.
 * - OONI Run v2: the specification (ooni/spec, backends/bk-005-ooni-run-v2.md) and the model the OONI API
 *   validates descriptors with (ooni/backend, the oonirun router): name 2 to 50 characters, short_description
 *   2 to 200, description at least 2, author 2 to 100; the `_intl` maps language to text of at least 2
 *   characters; color `#` and six hex digits; each nettest a test_name of 2 to 100 characters, string inputs,
 *   options and backend_options objects, the two `_default` booleans, inputs_extra (if any) as long as inputs,
 *   and never targets_name beside inputs.
 */

/** The legend of category codes (lists/00-LEGEND-new_category_codes.csv): code, and its description. */
export const citizenLabLegend: Record<string, string> = {
  ALDR: "Alcohol & Drugs",
  REL: "Religion",
  PORN: "Pornography",
  PROV: "Provocative Attire",
  POLR: "Political Criticism",
  HUMR: "Human Rights Issues",
  ENV: "Environment",
  MILX: "Terrorism and Militants",
  HATE: "Hate Speech",
  NEWS: "News Media",
  XED: "Sex Education",
  PUBH: "Public Health",
  GMB: "Gambling",
  ANON: "Anonymization and circumvention tools",
  DATE: "Online Dating",
  GRP: "Social Networking",
  LGBT: "LGBT",
  FILE: "File-sharing",
  HACK: "Hacking Tools",
  COMT: "Communication Tools",
  MMED: "Media sharing",
  HOST: "Hosting and Blogging Platforms",
  SRCH: "Search Engines",
  GAME: "Gaming",
  CULTR: "Culture",
  ECON: "Economics",
  GOVT: "Government",
  COMM: "E-commerce",
  CTRL: "Control content",
  IGO: "Intergovernmental Organizations",
};

const citizenLabHeader = ["url", "category_code", "category_description", "date_added", "source", "notes"];
const forbidden = /[\t\r\n\\]/;

/** A DNS label as the lint reads one: letters, digits and hyphens, 1 to 63, no hyphen at either end. */
const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
/** The last label: two to six letters, or a longer one of letters, digits and hyphens (an IDNA xn-- TLD). */
const topLabel = "(?:[a-z]{2,6}|[a-z0-9-]{2,})";
const listUrl = new RegExp(
  `^https?://(?:(?:${label}\\.)+${topLabel}\\.?|\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(?::\\d+)?/\\S*$`,
  "i",
);

/** Why a URL cannot be a row of a Citizen Lab list, or undefined when it can. */
export function citizenLabUrlProblem(url: string): string | undefined {
  if (url !== url.trim()) return "space around it";
  if (forbidden.test(url)) return "a tab, line break or backslash";
  if (!listUrl.test(url)) return "not an http(s) URL of a DNS name with a path";
  return undefined;
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Checks a Citizen Lab list against the published rules; returns its rows (header left out). */
export function checkCitizenLabList(text: string): string[][] {
  const [header, ...rows] = parseCsv(text, "\n");
  assert.deepEqual(header, citizenLabHeader, "the header is the six columns, in order");
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const line = index + 2;
    assert.equal(row.length, 6, `line ${line}: six fields`);
    const [url, code, description, date, source, notes] = row as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    assert.equal(citizenLabUrlProblem(url), undefined, `line ${line}: url ${JSON.stringify(url)}`);
    assert.ok(code in citizenLabLegend, `line ${line}: ${code} is a code of the legend`);
    assert.equal(description, citizenLabLegend[code], `line ${line}: the legend's description of ${code}`);
    assert.ok(isRealDate(date), `line ${line}: date_added ${date}`);
    assert.doesNotMatch(source, forbidden, `line ${line}: source`);
    assert.doesNotMatch(notes, forbidden, `line ${line}: notes`);
    assert.ok(!seen.has(url), `line ${line}: ${url} once`);
    seen.add(url);
  });
  return rows;
}

function text(document: Record<string, unknown>, key: string, min: number, max = Number.POSITIVE_INFINITY) {
  const value = document[key];
  assert.equal(typeof value, "string", `${key} is a string`);
  const length = [...(value as string)].length;
  assert.ok(length >= min && length <= max, `${key} is ${min} to ${max} characters, not ${length}`);
}

/** Checks an OONI Run v2 descriptor against the specification and the API's model. */
export function checkOoniRunDescriptor(document: Record<string, unknown>): void {
  text(document, "name", 2, 50);
  text(document, "short_description", 2, 200);
  text(document, "description", 2);
  text(document, "author", 2, 100);
  for (const key of ["name_intl", "short_description_intl", "description_intl"]) {
    if (document[key] === undefined || document[key] === null) continue;
    const map = document[key] as Record<string, unknown>;
    assert.ok(typeof map === "object" && !Array.isArray(map), `${key} is a map`);
    for (const [language, value] of Object.entries(map)) {
      assert.match(language, /^[a-z]{2,3}(?:[-_][A-Za-z0-9]+)*$/, `${key}: ${language} is a language code`);
      assert.ok(
        typeof value === "string" && [...value].length >= 2,
        `${key}.${language}: 2 characters at least`,
      );
    }
  }
  if (document.icon !== undefined && document.icon !== null) assert.equal(typeof document.icon, "string");
  if (document.color !== undefined && document.color !== null) {
    assert.match(String(document.color), /^#[0-9a-fA-F]{6}$/, "color is # and six hex digits");
  }
  assert.ok(Array.isArray(document.nettests), "nettests is a list");
  for (const nettest of document.nettests as Array<Record<string, unknown>>) {
    text(nettest, "test_name", 2, 100);
    assert.ok(Array.isArray(nettest.inputs), "inputs is a list");
    for (const input of nettest.inputs as unknown[]) assert.equal(typeof input, "string");
    for (const key of ["options", "backend_options"]) {
      const value = nettest[key];
      assert.ok(typeof value === "object" && value !== null && !Array.isArray(value), `${key} is an object`);
    }
    assert.equal(typeof nettest.is_background_run_enabled_default, "boolean");
    assert.equal(typeof nettest.is_manual_run_enabled_default, "boolean");
    if (nettest.inputs_extra !== undefined && nettest.inputs_extra !== null) {
      assert.equal((nettest.inputs_extra as unknown[]).length, (nettest.inputs as unknown[]).length);
    }
    assert.ok(
      nettest.targets_name === undefined || nettest.targets_name === null,
      "no targets_name beside inputs",
    );
  }
}
