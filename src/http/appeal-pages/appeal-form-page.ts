import { escapeHtml } from "../html/escape-html.ts";
import { htmlDocument } from "../html/html-document.ts";
import type { PageLanguage } from "../html/pick-language.ts";
import { appealPageText } from "./appeal-page-text.ts";

/**
 * The appeal form, for people without an account or JavaScript (the stop page links here): a plain HTML form
 * posted as application/x-www-form-urlencoded to POST /appeals, which answers 303 to the follow page.
 */
export function appealFormPage(language: PageLanguage, prefill: { target?: string; order?: number }): string {
  const text = appealPageText[language];
  const field = (name: string, label: string, help: string, control: string) =>
    `<label for="${name}">${escapeHtml(label)}</label>${control}` +
    `<p class="note" id="${name}-help">${escapeHtml(help)}</p>`;
  const body = [
    `<h1>${escapeHtml(text.formTitle)}</h1>`,
    `<p>${escapeHtml(text.formIntro)}</p>`,
    `<form method="post" action="/appeals?lang=${language}">`,
    field(
      "target",
      text.target,
      text.targetHelp,
      `<input id="target" name="target" required maxlength="2048" aria-describedby="target-help" ` +
        `value="${escapeHtml(prefill.target ?? "")}">`,
    ),
    prefill.order === undefined ? "" : `<input type="hidden" name="order" value="${prefill.order}">`,
    field(
      "reason",
      text.reason,
      text.reasonHelp,
      '<textarea id="reason" name="reason" required maxlength="5000" rows="6" aria-describedby="reason-help">' +
        "</textarea>",
    ),
    field(
      "contact",
      text.contact,
      text.contactHelp,
      '<input id="contact" name="contact" type="email" required maxlength="254" autocomplete="email" ' +
        'aria-describedby="contact-help">',
    ),
    `<button type="submit">${escapeHtml(text.submit)}</button>`,
    "</form>",
  ].join("\n");
  return htmlDocument(language, text.formTitle, body);
}
