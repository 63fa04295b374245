import type { PageLanguage } from "../html/pick-language.ts";

/** The stop page's words in each language; values are plain text, escaped where they are put in the page. */
export interface StopPageText {
  blockedTitle: string;
  blockedIntro(byCourt: boolean): string;
  court(byCourt: boolean): string;
  caseNumber: string;
  decisionDate: string;
  measure: string;
  measureName(name: string): string;
  measureDomain(name: string): string;
  measureAddress(address: string): string;
  until: string;
  legalBasis: string;
  appealTitle: string;
  appealText: string;
  appealLink: string;
  orderLink: string;
  notBlockedTitle: string;
  notBlockedText(name: string): string;
  staleAnswer: string;
  notAHostTitle: string;
  notAHostText: string;
  /** The language’s own name, for the links from the page in every other language. */
  languageName: string;
}

export const stopPageText: Record<PageLanguage, StopPageText> = {
  fr: {
    blockedTitle: "Accès bloqué pour raison légale",
    blockedIntro: (byCourt) =>
      byCourt
        ? "L'accès à ce site est bloqué en exécution d'une décision de justice."
        : "L'accès à ce site est bloqué en exécution d'une décision administrative.",
    court: (byCourt) => (byCourt ? "Juridiction" : "Autorité"),
    caseNumber: "Numéro de l'affaire",
    decisionDate: "Date de la décision",
    measure: "Mesure",
    measureName: (name) => `blocage DNS du nom ${name}`,
    measureDomain: (name) => `blocage DNS du domaine ${name} et de tous ses sous-domaines`,
    measureAddress: (address) => `blocage de l'adresse IP ${address}`,
    until: "Jusqu'au",
    legalBasis: "Fondement",
    appealTitle: "Contester ce blocage",
    appealText:
      "Si vous pensez que ce blocage est une erreur (vous êtes le titulaire du site, son hébergeur, ou " +
      "simplement concerné), vous pouvez le contester, sans créer de compte. L'autorité peut suspendre le " +
      "blocage immédiatement pendant l'examen.",
    appealLink: "Déposer une contestation",
    orderLink: "La décision et tous les noms qu'elle vise",
    notBlockedTitle: "Nom non bloqué",
    notBlockedText: (name) => `Aucune décision en vigueur ne bloque ${name}.`,
    staleAnswer:
      "Si ce site vous a mené ici, votre résolveur DNS garde peut-être une ancienne réponse : elle expirera " +
      "d'elle-même dans quelques minutes.",
    notAHostTitle: "Nom invalide",
    notAHostText: "La requête ne nomme pas un site que cette page pourrait reconnaître.",
    languageName: "Français",
  },
  en: {
    blockedTitle: "Unavailable for legal reasons",
    blockedIntro: (byCourt) =>
      byCourt
        ? "Access to this site is blocked to enforce a court order."
        : "Access to this site is blocked to enforce an authority's decision.",
    court: (byCourt) => (byCourt ? "Court" : "Authority"),
    caseNumber: "Case number",
    decisionDate: "Date of the decision",
    measure: "Measure",
    measureName: (name) => `DNS blocking of the name ${name}`,
    measureDomain: (name) => `DNS blocking of the domain ${name} and all its subdomains`,
    measureAddress: (address) => `blocking of the IP address ${address}`,
    until: "Until",
    legalBasis: "Legal basis",
    appealTitle: "Appeal against this block",
    appealText:
      "If you believe this block is a mistake (you own or host the site, or are simply affected), you can " +
      "appeal against it without an account. The authority can suspend the block at once while it looks.",
    appealLink: "File an appeal",
    orderLink: "The order and every name it covers",
    notBlockedTitle: "Name not blocked",
    notBlockedText: (name) => `No order in force blocks ${name}.`,
    staleAnswer:
      "If this site brought you here, your DNS resolver may still hold an old answer; it will expire by " +
      "itself within minutes.",
    notAHostTitle: "Invalid name",
    notAHostText: "The request does not name a site this page could recognise.",
    languageName: "English",
  },
};
