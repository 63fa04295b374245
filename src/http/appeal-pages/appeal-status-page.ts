import { eventText } from "../../locale/event-text.ts";
import type { FollowedAppeal } from "../../registry/follow-appeal.ts";
import { escapeHtml } from "../html/escape-html.ts";
import { formatDate, formatInstant } from "../html/format-date.ts";
import { htmlDocument } from "../html/html-document.ts";
import type { PageLanguage } from "../html/pick-language.ts";
import { appealPageText } from "./appeal-page-text.ts";

/** The follow page of an appeal, in HTML: where it stands and each step with its reason. No contact. */
export function appealStatusPage(language: PageLanguage, appeal: FollowedAppeal): string {
  const text = appealPageText[language];
  const order = appeal.order;
  const rows: Array<[string, string]> = [
    [text.state, text.states[appeal.state]],
    [text.entry, `${appeal.target.display} (${appeal.target.kind}, ${appeal.target.id})`],
    [text.order, `${order.authority}, ${order.caseNumber}, ${formatDate(order.decisionDate, language)}`],
    [text.filed, formatInstant(appeal.filedAt, language)],
  ];
  const steps = appeal.steps.map(
    (step) =>
      `<li><strong>${escapeHtml(formatInstant(step.at, language))}</strong>: ` +
      `${escapeHtml(stepText(appeal, step, language))}` +
      `${step.reason ? ` — ${escapeHtml(step.reason)}` : ""}</li>`,
  );
  const body = [
    `<h1>${escapeHtml(text.statusTitle)}</h1>`,
    `<p class="note">${escapeHtml(text.keepLink)}</p>`,
    `<dl>${rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join("")}</dl>`,
    `<h2>${escapeHtml(text.history)}</h2>`,
    `<ol>${steps.join("")}</ol>`,
  ].join("\n");
  return htmlDocument(language, text.statusTitle, body);
}

/** What one step of an appeal says, as its event says it (locale/event-text.ts). */
export function stepText(
  appeal: Pick<FollowedAppeal, "id" | "target">,
  step: Pick<FollowedAppeal["steps"][number], "action">,
  language: PageLanguage,
): string {
  return eventText(
    {
      action: step.action,
      subjectType: "appeal",
      subjectId: appeal.id,
      target: { value: appeal.target.display },
    },
    language,
  );
}
