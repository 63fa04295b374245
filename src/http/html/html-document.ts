import { createHash } from "node:crypto";
import { escapeHtml } from "./escape-html.ts";
import type { PageLanguage } from "./pick-language.ts";

const style = [
  "body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}",
  "h1{font-size:1.5rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}",
  "dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}section{border-top:1px solid #ccc;margin-top:1rem}",
  "label{display:block;margin-top:1rem;font-weight:600}input,textarea{width:100%;font:inherit}",
  "button{margin-top:1rem;font:inherit}.note{color:#555}",
].join("");
const styleHash = `sha256-${createHash("sha256").update(style).digest("base64")}`;

/**
 * Headers for decree's HTML pages: no script may run (CSP `default-src 'none'`; the pages need none and work
 * without JavaScript), no other site may frame them, the browser must not guess another type, and no
 * referrer leaks the blocked name to the next site.
 */
export const htmlPageHeaders = {
  // The one inline style sheet is allowed by its hash (CSP Level 3 §2.3.1), not by 'unsafe-inline'; forms
  // (the appeal form) post to this origin only.
  "content-security-policy": `default-src 'none'; style-src '${styleHash}'; img-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

/** A whole page; `title` is text (escaped here), `body` is HTML its callers built from escaped parts. */
export function htmlDocument(language: PageLanguage, title: string, body: string): string {
  return [
    "<!doctype html>",
    `<html lang="${language}">`,
    '<head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title><style>${style}</style></head>`,
    `<body>${body}</body>`,
    "</html>",
    "",
  ].join("\n");
}
