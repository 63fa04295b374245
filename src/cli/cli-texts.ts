import { formatMessage, type MessageParams } from "../locale/format-message.ts";
import type { Locale } from "../locale/locale.ts";

/**
 * The human text of the commands people run most, per language, as ICU MessageFormat. `--json` output never
 * goes through here: its field names, codes and values stay English for scripts.
 */
const en = {
  "status.orders": "orders",
  "status.targets": "targets",
  "status.entries": "entries",
  "names.refused": "refused",
  "names.ok": "ok",
  "names.warning": "warning",
  "targets.none": "no targets match",
  "targets.more": "(more targets match: --after {after} lists the next ones)",
  "targets.header": "ID|ORDER|STATE|KIND|UNTIL|TARGET",
  "targets.added": "order {orderId}: {added} targets proposed, {rejected} rejected",
  "targets.rejectedLine": "  line {line}: {code} {input}: {message}",
  "targets.moreRejected": "  ({omitted} more rejected lines not shown)",
  "targets.findings": "findings: {block} block, {review} review, {info} info",
  "targets.held": "  target {targetId}: {codes}",
  "orders.none": "no orders yet; record one with `decree orders add FILE`",
  "orders.header": "ID|STATE|DECIDED|UNTIL|CASE|AUTHORITY|TARGETS",
  "order.title": "order {id} ({state})",
  "order.kind": "  {kind} of {authority} ({jurisdiction}), {caseNumber}, {decisionDate}",
  "order.applicants": "  applicants: {applicants}",
  "order.addressees": "  addressees: {addressees}",
  "order.measures": "  measures:   {measures}; apply within {deadline}",
  "order.valid":
    "  valid:      {from} to {until}; mirrors {mirrors, select, yes {included} other {not included}}",
  "order.basis": "  basis:      {basis}",
  "order.document": "  document:   sha256 {sha256} {url}",
  "order.confirmed": "  confirmed:  {at} by {by}",
  "order.notConfirmed": "  confirmed:  not yet: `decree orders confirm ID` (an applicant submitted it)",
  "order.targets": "  targets:    {counts}",
  "order.noTargets": "none",
  "order.windows": "  windows:    blocked only during these {count} (`decree orders windows list {id}`):",
  "order.window": "              {from} to {until} {state}{label}",
  "order.count": "{count} {state}",
  "order.recorded": "recorded order {id}: {authority}, {caseNumber}",
  "order.recordedValid": "  valid {from} to {until}",
  "order.recordedTargets": "  {count} targets proposed; approve them with `decree targets approve`",
  "order.skippedLine": "  skipped line {line}: {code} {input}: {message}",
} as const;

export type CliTextKey = keyof typeof en;

const fr: Record<CliTextKey, string> = {
  "status.orders": "décisions",
  "status.targets": "cibles",
  "status.entries": "entrées",
  "names.refused": "refusé",
  "names.ok": "accepté",
  "names.warning": "attention",
  "targets.none": "aucune cible ne correspond",
  "targets.more": "(d’autres cibles correspondent : --after {after} affiche les suivantes)",
  "targets.header": "ID|DÉCISION|ÉTAT|TYPE|JUSQU’AU|CIBLE",
  "targets.added":
    "décision {orderId} : {added, plural, one {# cible proposée} other {# cibles proposées}}, {rejected, plural, one {# refusée} other {# refusées}}",
  "targets.rejectedLine": "  ligne {line} : {code} {input} : {message}",
  "targets.moreRejected":
    "  ({omitted, plural, one {# autre ligne refusée non affichée} other {# autres lignes refusées non affichées}})",
  "targets.findings": "constats : {block} bloquants, {review} à examiner, {info} pour information",
  "targets.held": "  cible {targetId} : {codes}",
  "orders.none": "aucune décision pour l’instant ; enregistrez-en une avec `decree orders add FICHIER`",
  "orders.header": "ID|ÉTAT|RENDUE LE|JUSQU’AU|AFFAIRE|AUTORITÉ|CIBLES",
  "order.title": "décision {id} ({state})",
  "order.kind": "  {kind} de {authority} ({jurisdiction}), {caseNumber}, {decisionDate}",
  "order.applicants": "  demandeurs :   {applicants}",
  "order.addressees": "  destinataires : {addressees}",
  "order.measures": "  mesures :      {measures} ; à appliquer sous {deadline}",
  "order.valid":
    "  validité :     du {from} au {until} ; miroirs {mirrors, select, yes {inclus} other {non inclus}}",
  "order.basis": "  fondement :    {basis}",
  "order.document": "  document :     sha256 {sha256} {url}",
  "order.confirmed": "  confirmée :    le {at} par {by}",
  "order.notConfirmed": "  confirmée :    pas encore : `decree orders confirm ID` (un demandeur l’a soumise)",
  "order.targets": "  cibles :       {counts}",
  "order.noTargets": "aucune",
  "order.windows":
    "  fenêtres :     bloquée seulement pendant ces {count} (`decree orders windows list {id}`) :",
  "order.window": "                 du {from} au {until} {state}{label}",
  "order.count": "{count} {state}",
  "order.recorded": "décision {id} enregistrée : {authority}, {caseNumber}",
  "order.recordedValid": "  valide du {from} au {until}",
  "order.recordedTargets":
    "  {count, plural, one {# cible proposée} other {# cibles proposées}} ; approuvez-les avec `decree targets approve`",
  "order.skippedLine": "  ligne {line} ignorée : {code} {input} : {message}",
};

/** The words of the vocabulary a person reads in the tables: states, kinds. Absent words print as they are. */
const wordsFr: Readonly<Record<string, string>> = {
  proposed: "proposée",
  approved: "approuvée",
  active: "active",
  suspended: "suspendue",
  lifted: "levée",
  expired: "expirée",
  rejected: "rejetée",
  pending: "à venir",
  "in-force": "en vigueur",
  open: "ouverte",
  closed: "fermée",
  withdrawn: "retirée",
  "authority-decision": "décision d’autorité",
  "court-decision": "décision de justice",
  scheduled: "prévue",
};

export const cliTexts: Record<Locale, Record<CliTextKey, string>> = { en, fr };

/** The vocabulary's words in the languages other than English, where a word is itself. */
const words: Record<Exclude<Locale, "en">, Readonly<Record<string, string>>> = { fr: wordsFr };

/** One text of a command in `locale`. */
export function cliText(locale: Locale, key: CliTextKey, params: MessageParams = {}): string {
  return formatMessage(cliTexts[locale][key], locale, params);
}

/** A word of the vocabulary (a state, a kind) as a person reads it in `locale`; the word itself in English. */
export function cliWord(locale: Locale, word: string): string {
  return locale === "en" ? word : (words[locale][word] ?? word);
}
