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
  "targets.added":
    "order {orderId}: {added, plural, one {# target proposed} other {# targets proposed}}, {rejected} rejected",
  "targets.rejectedLine": "  line {line}: {code} {input}: {message}",
  "targets.moreRejected":
    "  ({omitted, plural, one {# more rejected line not shown} other {# more rejected lines not shown}})",
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
  "order.recordedTargets":
    "  {count, plural, one {# target proposed; approve it} other {# targets proposed; approve them}} with `decree targets approve`",
  "order.skippedLine": "  skipped line {line}: {code} {input}: {message}",
  "releases.withheld":
    "{count, plural, one {# entry withheld} other {# entries withheld}} from every operator but the canaries",
  "releases.withdrawn":
    "release {serial} withdrawn: {count, plural, one {# entry suspended; the next release takes it out} other {# entries suspended; the next release takes them out}}",
  "probe.swept":
    "probed {resolvers, plural, one {# resolver} other {# resolvers}}: {queries, plural, one {# question} other {# questions}} about {names, plural, one {# name} other {# names}} (run {runId})",
  "probe.round":
    "{at} agent {agent} ({operator}): {measurements, plural, one {# measurement} other {# measurements}} from {resolvers, plural, one {# resolver} other {# resolvers}} sent, runs {runs}",
  "verify.failed": "!!! VERIFICATION FAILED: {what}: {count, plural, one {# problem} other {# problems}}",
  "history.header": "AT|WHO|WHAT",
  "history.none": "order {id} has no events yet",
  "commander.unknownOption": "error: unknown option ''{flag}''",
  "commander.unknownCommand": "error: unknown command ''{name}''",
  "commander.didYouMean": "(Did you mean {suggestion}?)",
  "commander.missingArgument": "error: missing required argument ''{name}''",
  "commander.optionMissingArgument": "error: option ''{flags}'' argument missing",
  "commander.missingMandatoryOption": "error: required option ''{flags}'' not specified",
  "commander.excessArguments":
    "error: too many arguments{command, select, none {} other { for ''{command}''}}. Expected {expected, plural, one {# argument} other {# arguments}} but got {got}.",
  "commander.invalidOptionValue": "error: option ''{flags}'' argument ''{value}'' is invalid.",
  "commander.invalidArgumentValue":
    "error: command-argument value ''{value}'' is invalid for argument ''{name}''.",
  "commander.choices": "Allowed choices are {choices}.",
  "commander.conflictingOptions": "error: option ''{first}'' cannot be used with option ''{second}''",
  "commander.numberNotDecimal":
    'NUMBER_INVALID: "{text}" is not a whole number in plain decimal digits (no sign, leading zero, exponent or prefix).',
  "commander.numberOutOfRange": "NUMBER_INVALID: {text} is out of range: from {min} to {max}.",
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
  "targets.findings":
    "constats : {block, plural, one {# bloquant} other {# bloquants}}, {review} à examiner, {info} pour information",
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
  // The states are feminine adjectives (une cible proposée): their plural takes an s.
  "order.count": "{count} {state}{count, plural, one {} other {s}}",
  "order.recorded": "décision {id} enregistrée : {authority}, {caseNumber}",
  "order.recordedValid": "  valide du {from} au {until}",
  "order.recordedTargets":
    "  {count, plural, one {# cible proposée ; approuvez-la} other {# cibles proposées ; approuvez-les}} avec `decree targets approve`",
  "order.skippedLine": "  ligne {line} ignorée : {code} {input} : {message}",
  "releases.withheld":
    "{count, plural, one {# entrée retenue} other {# entrées retenues}} pour tous les opérateurs sauf les témoins",
  "releases.withdrawn":
    "publication {serial} retirée : {count, plural, one {# entrée suspendue ; la prochaine publication la retire} other {# entrées suspendues ; la prochaine publication les retire}}",
  "probe.swept":
    "{resolvers, plural, one {# résolveur sondé} other {# résolveurs sondés}} : {queries, plural, one {# question} other {# questions}} sur {names, plural, one {# nom} other {# noms}} (passage {runId})",
  "probe.round":
    "{at} agent {agent} ({operator}) : {measurements, plural, one {# mesure envoyée} other {# mesures envoyées}} de {resolvers, plural, one {# résolveur} other {# résolveurs}}, passages {runs}",
  "verify.failed":
    "!!! ÉCHEC DE LA VÉRIFICATION : {what} : {count, plural, one {# problème} other {# problèmes}}",
  "history.header": "QUAND|QUI|QUOI",
  "history.none": "la décision {id} n’a encore aucun événement",
  "commander.unknownOption": "erreur : option inconnue « {flag} »",
  "commander.unknownCommand": "erreur : commande inconnue « {name} »",
  "commander.didYouMean": "(Vouliez-vous dire {suggestion} ?)",
  "commander.missingArgument": "erreur : il manque l’argument obligatoire « {name} »",
  "commander.optionMissingArgument": "erreur : il manque la valeur de l’option « {flags} »",
  "commander.missingMandatoryOption": "erreur : l’option obligatoire « {flags} » n’a pas été donnée",
  "commander.excessArguments":
    "erreur : trop d’arguments{command, select, none {} other { pour « {command} »}}. {expected, plural, =0 {Aucun argument attendu} one {# argument attendu} other {# arguments attendus}}, {got, plural, one {# reçu} other {# reçus}}.",
  "commander.invalidOptionValue": "erreur : la valeur « {value} » de l’option « {flags} » n’est pas valable.",
  "commander.invalidArgumentValue":
    "erreur : la valeur « {value} » de l’argument « {name} » n’est pas valable.",
  "commander.choices": "Valeurs possibles : {choices}.",
  "commander.conflictingOptions":
    "erreur : l’option « {first} » ne peut pas être employée avec l’option « {second} »",
  "commander.numberNotDecimal":
    "NUMBER_INVALID : « {text} » n’est pas un nombre entier écrit en chiffres décimaux simples (sans signe, zéro initial, exposant ni préfixe).",
  "commander.numberOutOfRange": "NUMBER_INVALID : {text} est hors limites : de {min} à {max}.",
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
