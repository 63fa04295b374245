import type { ErrorCode } from "./error-catalogue.ts";

/**
 * The French `detail` of the refusals a person meets in the web UI and the commands: ICU MessageFormat
 * templates filled from the values the throw site gives (DecreeError `params`). A template is used only when
 * every value it names was given; otherwise the detail is the French remedy (localize-refusal.ts). Apostrophes
 * are typographic (’): in ICU a straight one before a brace quotes it.
 */
export const errorDetailsFr: Partial<Record<ErrorCode, string>> = {
  // names/: what a person typed cannot be a target
  TARGET_EMPTY: "La cible est vide : donnez un nom d’hôte, une URL, une adresse IP ou un préfixe.",
  TARGET_UNKNOWN_KIND: "« {kind} » n’est pas un type de cible : utilisez l’un de {kinds}.",
  TARGET_KIND_MISMATCH:
    "{input} se lit comme une cible de type {shape}, pas {kind} : retirez le type pour le laisser déduire, ou donnez une entrée de ce type.",
  TARGET_INVALID_CHARACTER:
    "{name} contient un caractère ({character}) interdit dans un nom d’hôte : seulement des lettres, des chiffres et des traits d’union, avec des points entre les étiquettes (RFC 952, RFC 1123 §2.1).",
  TARGET_INVALID_LABEL:
    "L’étiquette « {label} » de {name} {reason, select, hyphen {commence ou finit par un trait d’union, ce que les noms d’hôte n’admettent pas (RFC 952, RFC 1123 §2.1)} reserved {a « -- » en troisième et quatrième positions, réservé aux étiquettes encodées comme « xn-- » (RFC 5891 §4.2.3.1)} other {est un nombre : aucun domaine de premier niveau n’est numérique (RFC 3696 §2)}}. Vérifiez le nom.",
  TARGET_EMPTY_LABEL:
    "{name} {where, select, start {commence par un point} end {finit par deux points} all {n’a aucune étiquette} other {a deux points à la suite}}, ce qui laisse une étiquette vide (RFC 1035 §2.3.1). Retirez le point en trop.",
  TARGET_LABEL_TOO_LONG:
    "L’étiquette « {label} » de {name} fait {octets} octets ; une étiquette DNS en compte au plus 63 (RFC 1035 §2.3.4). Vérifiez que le nom n’a pas été mal copié.",
  TARGET_NAME_TOO_LONG:
    "{name} fait {octets} octets ; un nom de domaine en compte au plus 253 (RFC 1035 §2.3.4). Vérifiez que le nom n’a pas été mal copié.",
  TARGET_INVALID_IDN:
    "{name} n’est pas un nom de domaine internationalisé valide (UTS 46 §4.1) : saisissez-le comme le site l’écrit, ou donnez son A-label xn--.",
  TARGET_SINGLE_LABEL:
    "{name} n’a qu’une étiquette ; sur l’Internet public le nom d’un site en a au moins deux. Donnez le nom complet, par exemple {name}.tv.",
  TARGET_PUBLIC_SUFFIX:
    "{name} est un suffixe public (section {section} de la Public Suffix List) : les noms en dessous appartiennent à de nombreux titulaires sans lien entre eux, et le bloquer les atteindrait tous. Nommez plutôt le site, par exemple site.{name}.",
  TARGET_SPECIAL_USE_NAME:
    "{name} relève du nom à usage spécial {special} ({source}) : aucun site public n’y vit, il n’y a rien à bloquer. Vérifiez le nom que donne la décision.",
  TARGET_INVALID_URL:
    "{input} n’est pas une URL valide. Copiez l’URL depuis la barre d’adresse du navigateur.",
  TARGET_URL_SCHEME:
    "{input} n’est pas une URL de page web : une URL à déréférencer commence par https:// ou http:// ; pour un nom d’hôte, donnez le nom seul.",
  TARGET_URL_CREDENTIALS:
    "{input} contient des identifiants (la partie avant « @ ») : retirez-les, ils ne doivent être ni enregistrés ni publiés.",
  TARGET_INVALID_IP:
    "{input} n’est pas une adresse IP ou un préfixe valide : écrivez par exemple 188.114.97.7, 188.114.97.0/24 ou 2606:4700:4700::1111.",
  TARGET_IPV4_LEADING_ZERO:
    "{input} est ambigu : un nombre commence par un zéro, que certains logiciels lisent en octal. Retirez les zéros de tête.",
  TARGET_PRIVATE_RANGE:
    "{input} relève de la plage privée {range} ({source}) : ces adresses servent dans d’innombrables réseaux privés, jamais au site. Donnez l’adresse publique du site.",
  TARGET_SPECIAL_RANGE:
    "{input} relève de la plage à usage spécial {range} ({source}) : aucun site public n’y vit, il n’y a rien à bloquer.",
  TARGET_PREFIX_TOO_WIDE:
    "{input} est plus large que le plus large préfixe que decree accepte : il couvre de nombreux réseaux et leurs sites. Nommez les adresses que vise la décision.",
  TARGET_CIDR_HOST_BITS:
    "{input} a des bits d’hôte après la longueur du préfixe : ce n’est pas un réseau. Donnez le réseau, ou l’adresse seule.",

  // intake/: orders and targets as submitted
  TARGETS_REJECTED:
    "{count, plural, one {# cible sur {total} a été refusée} other {# cibles sur {total} ont été refusées}} ({lines}) ; rien n’a été enregistré. Corrigez ces lignes, ou demandez d’ignorer les lignes invalides pour enregistrer les autres.",
  TARGET_DUPLICATE:
    "{value} ({kind}) {line, select, 0 {figure déjà dans la décision {orderId}} other {est la même cible qu’à la ligne {line}}}.",
  ORDER_MEASURE_NOT_GRANTED:
    "La décision {orderId} ordonne {measures} ; une cible {kind} demande {needed}. Ajoutez-la sous une décision qui accorde cette mesure.",
  TARGET_VALIDITY_BEYOND_ORDER:
    "La date {until} est hors de la validité de la décision {orderId} ({from} au {to}) : choisissez une date dans cet intervalle.",
  ORDER_NOT_CONFIRMED:
    "La cible {id} ({value}) relève de la décision {orderId}, soumise par un demandeur et pas encore confirmée par une autorité. Confirmez d’abord la décision.",
  ORDER_EXPIRED:
    "La cible {id} ({value}) était valide jusqu’au {until} ; elle ne peut plus être approuvée. Proposez-la sous une décision en vigueur.",

  // registry/ and review/: decisions on targets
  TARGET_TRANSITION_INVALID:
    "La cible {id} ({value}) est à l’état {state} ; la décision {decision} ne s’applique qu’à une cible à l’état {allowed}.",
  TARGET_BLOCKED_BY_FINDING:
    "La cible {id} ({value}) a un constat qui bloque l’approbation : {codes}. Seule une dérogation d’un administrateur nommant le code, motivée par écrit et confirmée par un autre administrateur ou une autre autorité, la laisse passer.",
  APPROVAL_SAME_USER:
    "La cible {id} ({value}) a des constats à examiner ({codes}) et vous l’avez déjà approuvée : une autre personne de l’autorité doit donner la seconde approbation.",
  APPROVAL_PENDING:
    "La cible {id} ({value}) a été approuvée et l’approbation prend effet le {at} ; annulez-la d’abord, ou attendez.",
  EXCLUSIVE_USE_NOT_SHOWN:
    "La cible {id} ({value}) est une adresse dont l’usage exclusif n’est pas établi : enregistrez une déclaration d’usage exclusif avec son document, ou chargez des données DNS passives qui la montrent propre.",
  REASON_REQUIRED: "Dites pourquoi : chaque décision figure au registre public.",
  OVERRIDE_SAME_USER:
    "Vous avez demandé cette dérogation : un autre administrateur ou une autre personne de l’autorité doit la confirmer.",

  // accounts/ and the auth plugin
  AUTH_LOGIN_FAILED: "Adresse e-mail ou mot de passe incorrect ; vérifiez les deux et réessayez.",
  AUTH_REQUIRED:
    "Cette action demande un compte : connectez-vous, ou envoyez un jeton (Authorization: Bearer).",
  AUTH_SESSION_INVALID: "Votre session a pris fin ; connectez-vous à nouveau.",
  AUTH_ACCOUNT_DISABLED: "Ce compte est désactivé ; un administrateur peut vous en ouvrir un autre.",
  CSRF_INVALID:
    "Un navigateur connecté doit renvoyer l’en-tête X-CSRF-Token : rechargez la page et réessayez.",
  FORBIDDEN:
    "Le rôle {role} ne permet pas cette action : elle demande la permission {permission}, donnée à : {roles}.",
  RATE_LIMITED:
    "Trop de tentatives de connexion échouées depuis votre adresse ; réessayez dans {seconds, plural, one {# seconde} other {# secondes}}.",

  // appeals
  APPEAL_NOT_FOUND:
    "Aucune demande de recours ne correspond : vérifiez son numéro, ou que le lien de suivi a été copié en entier.",
  APPEAL_TARGET_NOT_IN_FORCE:
    "{input} est à l’état {states} : rien ne le bloque qu’un recours pourrait lever. Un recours vise une entrée approuvée, active ou suspendue.",
  APPEAL_DECISION_INVALID:
    "Le recours {id} est à l’état {state} ; la décision {decision} ne s’applique qu’à un recours à l’état {allowed}.",
};
