import type { EventAction, ReportKind } from "../vocabulary/vocabulary.ts";

/**
 * Ce que chaque événement dit à une personne, en français : les mêmes valeurs que l’anglais (event-texts-en.ts).
 * Les apostrophes sont typographiques (’) : en ICU, une apostrophe droite devant une accolade la protège.
 */
export const eventTextsFr: Record<EventAction, string> = {
  "appeal.decided": "Contestation {id} tranchée",
  "appeal.filed": "Contestation {id} déposée contre {target}",
  "appeal.lifted": "Contestation {id} acceptée : le blocage est levé",
  "appeal.suspended": "Contestation {id} : le blocage est suspendu pendant l’examen",
  "appeal.upheld": "Contestation {id} rejetée : le blocage est maintenu",
  "cli.command": "Commande `decree {name}` exécutée",
  "operator.added": "Opérateur {name} enregistré",
  "operator.rekeyed": "Nouvelle clé TSIG pour l’opérateur {name}",
  "operator.removed": "Opérateur {name} retiré",
  "operator.updated": "Opérateur {name} modifié",
  "order.confirmed": "Décision {id} confirmée par une autorité",
  "order.deadline-missed":
    "Décision {id} : un opérateur a dépassé le délai pour appliquer la publication {serial}",
  "order.document-attached": "Décision {id} : document joint",
  "order.recorded": "Décision {id} enregistrée",
  "order.window-added": "Décision {id} : fenêtre de blocage ajoutée",
  "order.window-closed": "Décision {id} : fenêtre de blocage fermée",
  "order.window-opened": "Décision {id} : fenêtre de blocage ouverte",
  "order.window-withdrawn": "Décision {id} : fenêtre de blocage retirée",
  "organisation.created": "Organisation {name} créée",
  "os-user.mapped": "Utilisateur système {name} associé au compte {id}",
  "os-user.unmapped": "Utilisateur système {name} dissocié du compte {id}",
  "probe-agent.added": "Agent de sonde {name} ajouté",
  "release.ack-contradicted": "Publication {serial} : un accusé de réception contredit par les sondes",
  "release.acknowledged": "Publication {serial} : réception confirmée par un opérateur",
  "release.halted": "Publication {serial} arrêtée sur un résolveur témoin",
  "release.promoted": "Publication {serial} étendue à tous les opérateurs",
  "release.published":
    "Publication {serial} : {added, plural, one {# entrée ajoutée} other {# entrées ajoutées}}, {removed, plural, one {# retirée} other {# retirées}}",
  "release.staged":
    "Publication {serial} mise à l’essai sur les résolveurs témoins avec {count, plural, one {# nouvelle entrée} other {# nouvelles entrées}}",
  "release.staging-set": "Résolveurs témoins choisis pour les publications à l’essai",
  "release.withdrawn": "Publication à l’essai {serial} retirée",
  "resolver.added": "Résolveur {name} ajouté",
  "session.closed": "Compte {id} déconnecté",
  "session.opened": "Compte {id} connecté",
  "target.activated": "Cible {target} désormais bloquée",
  "target.approval-cancelled": "Approbation de {target} annulée",
  "target.approval-pending": "Cible {target} approuvée une fois : un second examinateur doit confirmer",
  "target.approval-scheduled": "Approbation de {target} programmée, annulable jusqu’à son application",
  "target.approval-superseded": "Approbation programmée de {target} remplacée",
  "target.approved": "Cible {target} approuvée",
  "target.exclusive-use-recorded": "Usage exclusif d’une adresse par {target} enregistré, avec ses preuves",
  "target.expired": "Cible {target} expirée avec sa décision",
  "target.lifted": "Cible {target} levée : plus bloquée",
  "target.override-confirmed": "Dérogation à un constat sur {target} confirmée par une seconde personne",
  "target.override-requested": "Dérogation à un constat sur {target} demandée",
  "target.proposed": "Cible {target} proposée au blocage",
  "target.reinstated": "Cible {target} rétablie",
  "target.rejected": "Cible {target} rejetée",
  "target.renewed": "Cible {target} prolongée",
  "target.reported": "Cible {target} signalée par un opérateur ({kind})",
  "target.suspended": "Cible {target} suspendue",
  "token.issued": "Jeton d’API {id} émis",
  "token.revoked": "Jeton d’API {id} révoqué",
  "user.created": "Compte {id} créé",
  "user.disabled": "Compte {id} désactivé",
  "user.signed-in": "Compte {id} connecté",
  "webhook.disabled": "Webhook {id} désactivé",
  "webhook.registered": "Webhook {id} enregistré",
};

export const reportKindWordsFr: Record<ReportKind, string> = {
  "already-blocked": "déjà bloquée",
  "cannot-apply": "impossible à appliquer",
  "believed-wrong": "jugée erronée",
};
