import type { DecreeError } from "../../errors/decree-error.ts";
import { localizeRefusal } from "../../errors/localize-refusal.ts";
import { escapeHtml } from "../html/escape-html.ts";
import { htmlDocument } from "../html/html-document.ts";
import type { PageLanguage } from "../html/pick-language.ts";
import { appealPageText } from "./appeal-page-text.ts";

/**
 * Why a form post of an appeal was refused, as a page a person reads (the form works without JavaScript, so
 * its refusals must too): what happened, the stable code and message, and the way back to the form.
 */
export function appealErrorPage(language: PageLanguage, error: DecreeError): string {
  const text = appealPageText[language];
  const body = [
    `<h1>${escapeHtml(text.errorTitle)}</h1>`,
    `<p>${escapeHtml(error.code === "RATE_LIMITED" ? text.errorTooMany : text.errorIntro)}</p>`,
    `<dl><dt>${escapeHtml(text.errorDetail)}</dt><dd><code>${escapeHtml(error.code)}</code> ` +
      `${escapeHtml(localizeRefusal(error, language).detail)}</dd></dl>`,
    `<p><a href="/appeals/new?lang=${language}">${escapeHtml(text.backToForm)}</a></p>`,
  ].join("\n");
  return htmlDocument(language, text.errorTitle, body);
}
