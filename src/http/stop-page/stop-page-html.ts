import type { BlockingEntry } from "../../registry/find-blocking-entries.ts";
import { escapeHtml } from "../html/escape-html.ts";
import { formatDate, formatInstant } from "../html/format-date.ts";
import { htmlDocument } from "../html/html-document.ts";
import { type PageLanguage, pageLanguages } from "../html/pick-language.ts";
import { type StopPageText, stopPageText } from "./stop-page-text.ts";

/**
 * The page for a blocked name (RFC 7725 §3: the body should explain the legal demand): per entry, the court,
 * the case, the date, the measure, until when, and how to appeal. Every value from the store or the request
 * is escaped; links are built from the configured public URL and numeric ids only.
 */
export function blockedPage(
  language: PageLanguage,
  display: string,
  entries: BlockingEntry[],
  publicUrl: string,
): string {
  const text = stopPageText[language];
  const byCourt = entries.every((entry) => entry.order.kind === "court-decision");
  const sections = entries.map((entry) => entrySection(text, language, entry, publicUrl)).join("\n");
  const body = [
    `<h1>${escapeHtml(text.blockedTitle)}</h1>`,
    `<p><strong>${escapeHtml(display)}</strong></p>`,
    `<p>${escapeHtml(text.blockedIntro(byCourt))}</p>`,
    sections,
    languageSwitch(language),
  ].join("\n");
  return htmlDocument(language, `451 ${text.blockedTitle}`, body);
}

function entrySection(text: StopPageText, language: PageLanguage, entry: BlockingEntry, publicUrl: string) {
  const byCourt = entry.order.kind === "court-decision";
  const rows: Array<[string, string]> = [
    [text.court(byCourt), entry.order.authority],
    [text.caseNumber, entry.order.caseNumber],
    [text.decisionDate, formatDate(entry.order.decisionDate, language)],
    [text.measure, measureOf(text, entry)],
    [text.until, formatInstant(entry.until, language)],
  ];
  if (entry.order.legalBasis) rows.push([text.legalBasis, entry.order.legalBasis]);
  const appeal = `${publicUrl}/appeals/new?target=${entry.targetId}&lang=${language}`;
  const order = `${publicUrl}/orders/${entry.order.id}`;
  return [
    "<section>",
    `<dl>${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join("")}</dl>`,
    `<p><a href="${escapeHtml(order)}">${escapeHtml(text.orderLink)}</a></p>`,
    `<h2>${escapeHtml(text.appealTitle)}</h2>`,
    `<p>${escapeHtml(text.appealText)}</p>`,
    `<p><a href="${escapeHtml(appeal)}">${escapeHtml(text.appealLink)}</a></p>`,
    "</section>",
  ].join("\n");
}

function measureOf(text: StopPageText, entry: BlockingEntry): string {
  if (entry.kind === "domain") return text.measureDomain(entry.display);
  if (entry.kind === "ip") return text.measureAddress(entry.value);
  return text.measureName(entry.display);
}

/** A name nothing blocks: says so, and why a browser may still have been sent here. */
export function notBlockedPage(language: PageLanguage, display: string): string {
  const text = stopPageText[language];
  const body = [
    `<h1>${escapeHtml(text.notBlockedTitle)}</h1>`,
    `<p>${escapeHtml(text.notBlockedText(display))}</p>`,
    `<p class="note">${escapeHtml(text.staleAnswer)}</p>`,
    languageSwitch(language),
  ].join("\n");
  return htmlDocument(language, text.notBlockedTitle, body);
}

/** A Host that is no host name (missing, an address range, garbage): said without echoing it. */
export function notAHostPage(language: PageLanguage): string {
  const text = stopPageText[language];
  const body = [
    `<h1>${escapeHtml(text.notAHostTitle)}</h1>`,
    `<p>${escapeHtml(text.notAHostText)}</p>`,
    languageSwitch(language),
  ].join("\n");
  return htmlDocument(language, text.notAHostTitle, body);
}

/**
 * The same page in each other language: relative links that keep the host and path, changing the query, each
 * named in its own language.
 */
function languageSwitch(language: PageLanguage): string {
  const links = pageLanguages
    .filter((other) => other !== language)
    .map(
      (other) =>
        `<a href="?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(stopPageText[other].languageName)}</a>`,
    );
  return `<p>${links.join(" · ")}</p>`;
}
