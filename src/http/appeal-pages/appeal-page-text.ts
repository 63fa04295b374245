import type { AppealState } from "../../intake/appeal.ts";
import type { PageLanguage } from "../html/pick-language.ts";

/** The appeal pages' words in each language; values are plain text, escaped where they are put in a page. */
export interface AppealPageText {
  formTitle: string;
  formIntro: string;
  target: string;
  targetHelp: string;
  reason: string;
  reasonHelp: string;
  contact: string;
  contactHelp: string;
  submit: string;
  statusTitle: string;
  keepLink: string;
  state: string;
  states: Record<AppealState, string>;
  entry: string;
  order: string;
  filed: string;
  history: string;
  errorTitle: string;
  errorIntro: string;
  errorDetail: string;
  errorTooMany: string;
  backToForm: string;
}

export const appealPageText: Record<PageLanguage, AppealPageText> = {
  fr: {
    formTitle: "Contester un blocage",
    formIntro:
      "Toute personne concernée peut contester un blocage, sans compte. L'autorité examine chaque " +
      "contestation et peut suspendre le blocage immédiatement.",
    target: "Site ou numéro de l'entrée",
    targetHelp: "Le nom bloqué (par exemple exemple.fr) ou le numéro indiqué sur la page de blocage.",
    reason: "Motif",
    reasonHelp:
      "Pourquoi ce blocage est-il une erreur ? Ce texte est public : n'y mettez pas de données personnelles.",
    contact: "Adresse électronique",
    contactHelp: "Pour que l'autorité vous réponde. Elle n'est jamais publiée.",
    submit: "Déposer la contestation",
    statusTitle: "Suivi de la contestation",
    keepLink: "Conservez l'adresse de cette page : elle seule permet de suivre la contestation.",
    state: "État",
    states: {
      open: "en attente d'examen",
      suspended: "blocage suspendu pendant l'examen",
      upheld: "rejetée : le blocage est maintenu",
      lifted: "acceptée : le blocage est levé",
    },
    entry: "Entrée contestée",
    order: "Décision",
    filed: "Déposée le",
    history: "Étapes",
    errorTitle: "La contestation n'a pas pu être déposée",
    errorIntro: "Rien n'a été enregistré. Corrigez le formulaire et déposez-le à nouveau.",
    errorDetail: "Détail (en anglais)",
    errorTooMany: "Trop de contestations depuis votre adresse : réessayez dans une heure.",
    backToForm: "Revenir au formulaire",
  },
  en: {
    errorTitle: "The appeal could not be filed",
    errorIntro: "Nothing was recorded. Correct the form and file it again.",
    errorDetail: "Detail",
    errorTooMany: "Too many appeals from your address: try again in an hour.",
    backToForm: "Back to the form",
    formTitle: "Appeal against a block",
    formIntro:
      "Anyone affected can appeal against a block, without an account. The authority examines every appeal " +
      "and can suspend the block at once.",
    target: "Site or entry number",
    targetHelp: "The blocked name (for example example.fr) or the number shown on the stop page.",
    reason: "Reason",
    reasonHelp: "Why is this block a mistake? This text is public: put no personal data in it.",
    contact: "Email address",
    contactHelp: "So that the authority can answer you. It is never published.",
    submit: "File the appeal",
    statusTitle: "Your appeal",
    keepLink: "Keep the address of this page: it alone lets you follow the appeal.",
    state: "State",
    states: {
      open: "waiting to be examined",
      suspended: "block suspended while it is examined",
      upheld: "turned down: the block stays",
      lifted: "granted: the block is lifted",
    },
    entry: "Entry appealed against",
    order: "Order",
    filed: "Filed on",
    history: "Steps",
  },
};
