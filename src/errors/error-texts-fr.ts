import type { ErrorCode } from "./error-catalogue.ts";
import type { ErrorText } from "./error-text.ts";

/**
 * The French texts of every code of the error catalogue, in its order and under its areas, for the people who
 * read decree's refusals in French: court registries, the authority's staff, rights holders' counsel and the
 * operators' engineers. The vocabulary is the web UI's (web/src/messages-fr.ts): an order is a « décision », a
 * finding a « constat », an override a « dérogation », an appeal a « contestation ». Option, field, command and
 * file names stay as the English gives them, since they are what one types.
 */
export const errorTextsFr: Record<ErrorCode, ErrorText> = {
  // names/ : ce qu’une personne a saisi ne peut pas être une cible
  TARGET_EMPTY: {
    title: "Cible vide",
    remedy:
      "Indiquez un nom d’hôte, une URL, une adresse IP ou un préfixe ; les lignes vides et les commentaires sont ignorés, ce ne sont pas des cibles.",
  },
  TARGET_UNKNOWN_KIND: {
    title: "Type de cible inconnu",
    remedy:
      "Utilisez l’un des types fqdn, domain, url, ip ou cidr, ou n’indiquez aucun type pour que decree le déduise.",
  },
  TARGET_KIND_MISMATCH: {
    title: "La saisie ne correspond pas au type demandé",
    remedy:
      "Retirez le type pour que decree le déduise, ou donnez une saisie de ce type (un nom de domaine pour --kind domain, une adresse pour --kind ip).",
  },
  TARGET_INVALID_CHARACTER: {
    title: "Caractère interdit dans un nom d’hôte",
    remedy:
      "Retirez ce caractère : un nom d’hôte se compose de lettres, de chiffres et de traits d’union (ou de lettres Unicode pour un nom internationalisé), séparés par des points.",
  },
  TARGET_INVALID_LABEL: {
    title: "Label invalide dans un nom d’hôte",
    remedy:
      "Faites commencer et finir chaque label par une lettre ou un chiffre, et retirez les traits d’union en troisième et quatrième positions, sauf dans un label xn-- valide.",
  },
  TARGET_EMPTY_LABEL: {
    title: "Label vide dans un nom d’hôte",
    remedy: "Retirez le point doublé, initial ou final qui laisse un label vide.",
  },
  TARGET_LABEL_TOO_LONG: {
    title: "Label de plus de 63 octets",
    remedy:
      "Ramenez le label à 63 octets au plus (RFC 1035) ; vérifiez que le nom n’a pas été collé deux fois.",
  },
  TARGET_NAME_TOO_LONG: {
    title: "Nom de plus de 253 octets",
    remedy:
      "Ramenez le nom à 253 octets au plus (RFC 1035) ; bloquez plutôt un domaine parent si c’est ce que vise la décision.",
  },
  TARGET_INVALID_IDN: {
    title: "Nom de domaine internationalisé invalide",
    remedy:
      "Saisissez le nom tel que le site l’écrit, ou donnez son A-label xn-- ; le message indique quelle règle UTS 46 n’est pas respectée.",
  },
  TARGET_SINGLE_LABEL: {
    title: "Nom à un seul label",
    remedy: "Donnez le nom complet avec son domaine de premier niveau (example.org, et non example).",
  },
  TARGET_PUBLIC_SUFFIX: {
    title: "Suffixe public",
    remedy:
      "Désignez le site sous le suffixe (site.github.io, et non github.io) : un suffixe public regroupe de nombreux titulaires sans lien entre eux.",
  },
  TARGET_SPECIAL_USE_NAME: {
    title: "Nom de domaine à usage spécial",
    remedy:
      "Retirez ce nom : les noms à usage spécial (RFC 6761 : localhost, .local, .test, .invalid, .onion…) ne sont jamais bloqués.",
  },
  TARGET_INVALID_URL: {
    title: "URL invalide",
    remedy: "Donnez une URL absolue, avec son schéma et son hôte, par exemple https://example.org/path.",
  },
  TARGET_URL_SCHEME: {
    title: "Schéma d’URL non pris en charge",
    remedy: "Utilisez une URL en http:// ou https:// ; les autres schémas ne peuvent pas être déréférencés.",
  },
  TARGET_URL_CREDENTIALS: {
    title: "L’URL contient des identifiants de connexion",
    remedy: "Retirez de l’URL le nom d’utilisateur et le mot de passe (user:pw@) avant de la déposer.",
  },
  TARGET_INVALID_IP: {
    title: "Adresse IP ou préfixe invalide",
    remedy:
      "Donnez une adresse IPv4, une adresse IPv6 ou un préfixe en notation CIDR (203.0.113.0/24, 2001:db8::/48).",
  },
  TARGET_IPV4_LEADING_ZERO: {
    title: "Adresse IPv4 ambiguë",
    remedy:
      "Écrivez chaque octet en décimal sans zéro initial (10.1.2.3, et non 010.001.002.003), car un zéro initial peut signaler de l’octal.",
  },
  TARGET_PRIVATE_RANGE: {
    title: "Plage d’adresses à usage privé",
    remedy:
      "Retirez l’adresse : les plages à usage privé (RFC 1918, RFC 4193) ne sont pas joignables depuis l’internet et ne peuvent pas être bloquées.",
  },
  TARGET_SPECIAL_RANGE: {
    title: "Plage d’adresses à usage spécial",
    remedy:
      "Retirez l’adresse : les plages à usage spécial (boucle locale, lien local, documentation, multidiffusion…) ne sont jamais bloquées.",
  },
  TARGET_PREFIX_TOO_WIDE: {
    title: "Préfixe trop large",
    remedy:
      "Donnez un préfixe /24 ou plus étroit en IPv4, /48 ou plus étroit en IPv6, ou listez les adresses elles-mêmes.",
  },
  TARGET_CIDR_HOST_BITS: {
    title: "Bits d’hôte non nuls dans le préfixe",
    remedy:
      "Écrivez le préfixe avec ses bits d’hôte à zéro (203.0.113.0/24, et non 203.0.113.7/24), ou donnez l’adresse seule.",
  },

  // intake/ : les décisions et les cibles telles qu’elles sont déposées
  ORDER_INVALID: {
    title: "Décision invalide",
    remedy:
      "Corrigez dans le fichier de la décision le champ que le message désigne ; data/demo/allostreaming-2013.yaml montre tous les champs.",
  },
  ORDER_FILE_UNREADABLE: {
    title: "Fichier de la décision illisible",
    remedy: "Vérifiez le chemin du fichier de la décision et ses droits d’accès.",
  },
  ORDER_FILE_SYNTAX: {
    title: "Le fichier de la décision n’est pas du YAML ou du JSON valide",
    remedy: "Corrigez la syntaxe YAML ou JSON à la ligne que le message indique.",
  },
  ORDER_DUPLICATE: {
    title: "Décision déjà enregistrée",
    remedy:
      "La décision est déjà enregistrée : reprenez son identifiant (decree orders list) au lieu de l’ajouter une seconde fois.",
  },
  ORDER_NOT_FOUND: {
    title: "Décision introuvable",
    remedy: "Vérifiez l’identifiant de la décision avec decree orders list ou GET /orders.",
  },
  ORDER_EXPIRED: {
    title: "Décision qui n’est plus en vigueur",
    remedy:
      "Des cibles ne peuvent être ajoutées ou approuvées que sous une décision en vigueur : demandez le renouvellement de la décision ou une nouvelle décision.",
  },
  ORDER_MEASURE_NOT_GRANTED: {
    title: "La décision n’ordonne pas cette mesure",
    remedy:
      "Ne déposez que des cibles d’une mesure que la décision ordonne (dns-block, ip-block, delist), ou enregistrez la décision qui ordonne celle-ci.",
  },
  IMPORT_FILE_UNREADABLE: {
    title: "Fichier d’import illisible",
    remedy: "Vérifiez le chemin du fichier d’import et ses droits d’accès.",
  },
  IMPORT_CSV_HEADER: {
    title: "L’en-tête CSV n’a pas de colonne de cibles",
    remedy:
      "Nommez une colonne target (ou fqdn, domain, url, ip, cidr) dans l’en-tête CSV, ou donnez une cible par ligne, sans en-tête.",
  },
  TARGETS_REJECTED: {
    title: "Une ou plusieurs cibles ont été refusées",
    remedy:
      "Corrigez les lignes listées (chacune avec son numéro et son code) et déposez-les à nouveau, ou passez --skip-invalid (skipInvalid) pour enregistrer les autres.",
  },
  IMPORT_EMPTY: {
    title: "Rien à importer",
    remedy:
      "Donnez au moins une cible : le fichier ou la requête ne contenait que des lignes vides et des commentaires.",
  },
  TARGET_DUPLICATE: {
    title: "Cible déjà présente dans cette décision",
    remedy:
      "La cible figure déjà dans cette décision : statuez sur celle qui existe (decree targets list --order ID).",
  },
  TARGET_VALIDITY_BEYOND_ORDER: {
    title: "Validité de la cible au-delà de celle de la décision",
    remedy:
      "Donnez une date de fin (until) comprise dans la validité de la décision, ou omettez-la pour reprendre la fin de la décision.",
  },

  // registry/ : ce qui est décidé sur les cibles
  TARGET_NOT_FOUND: {
    title: "Cible introuvable",
    remedy: "Vérifiez l’identifiant ou le nom de la cible avec decree targets list ou GET /targets.",
  },
  TARGET_AMBIGUOUS: {
    title: "Le nom correspond à plusieurs cibles",
    remedy:
      "Désignez la cible par son identifiant, ou précisez la décision avec --order, car ce nom est une cible de plusieurs décisions.",
  },
  TARGET_TRANSITION_INVALID: {
    title: "Action impossible dans l’état de la cible",
    remedy: "Vérifiez l’état de la cible (decree targets list) et choisissez une action que cet état permet.",
  },
  REASON_REQUIRED: {
    title: "Un motif est requis",
    remedy:
      "Donnez un motif (--reason TEXT, ou reason dans le corps de la requête) : chaque action est consignée avec sa raison.",
  },
  RENEWAL_NOT_LATER: {
    title: "Un renouvellement doit repousser la fin à une date future",
    remedy: "Donnez une date --until future et postérieure à la fin actuelle de l’entrée.",
  },

  // publish/ : les opérateurs, le serveur DNS primaire, les flux
  OPERATOR_INVALID: {
    title: "Opérateur invalide",
    remedy:
      "Corrigez le champ de l’opérateur que le message désigne (son nom, --notify IP:PORT, --allow ADDRESS ou --action).",
  },
  OPERATOR_DUPLICATE: {
    title: "Opérateur déjà enregistré",
    remedy: "L’opérateur est déjà enregistré : consultez decree operators list, ou choisissez un autre nom.",
  },
  OPERATOR_NOT_FOUND: {
    title: "Opérateur introuvable",
    remedy: "Vérifiez le nom de l’opérateur avec decree operators list.",
  },
  RELEASE_NOT_FOUND: {
    title: "Version introuvable",
    remedy:
      "Indiquez un numéro de série qui a été publié, pour en accuser réception comme pour le demander : GET /status donne le numéro en cours.",
  },
  FEED_UNKNOWN_FORMAT: {
    title: "Format de flux inconnu",
    remedy: "Demandez l’un des formats que liste GET /feeds.",
  },
  FEED_ZONE_MOVING: {
    title: "Les versions se sont succédé plus vite que le flux ne pouvait être produit",
    remedy: "Réessayez dans un instant : une nouvelle version est arrivée pendant chaque production du flux.",
  },
  PUSH_FAILED: {
    title: "Le serveur primaire externe a refusé une mise à jour",
    remedy:
      "Consultez le journal du serveur primaire externe et vérifiez qu’il accepte les mises à jour signées de la zone avec cette clé (update-policy ou allow-update).",
  },
  PUSH_KEY_INVALID: {
    title: "Clé TSIG invalide pour le serveur primaire externe",
    remedy:
      "Donnez le nom de la clé et son secret en base64 (--key-name, --key-secret), ou une clause key de BIND avec --key-file.",
  },
  // publish/resolver-config : les configurations de résolveur que decree affiche
  OPERATOR_CONFIG_PRIMARY_UNKNOWN: {
    title: "Aucune adresse par laquelle un résolveur peut joindre le serveur DNS primaire",
    remedy:
      "Donnez avec --primary HOST:PORT l’adresse par laquelle les résolveurs joignent le serveur primaire, ou faites écouter decree sur une adresse précise.",
  },
  OPERATOR_CONFIG_STOP_PAGE_NAME: {
    title: "Aucun nom de page de blocage pour un résolveur qui ne redirige que par CNAME",
    remedy:
      "Indiquez le nom d’hôte de la page de blocage avec --stop-page-name NAME ou le réglage stopPageName.",
  },

  // accounts/ et le greffon d’authentification : qui demande, et en a-t-il le droit
  AUTH_REQUIRED: {
    title: "Authentification requise",
    remedy:
      "Envoyez l’en-tête Authorization: Bearer avec un jeton d’API, ou connectez-vous par POST /auth/login.",
  },
  // Les refus précis de jeton sont journalisés ; le client ne reçoit que AUTH_TOKEN_INVALID, afin qu’un jeton
  // deviné ou volé n’apprenne rien des jetons qui existent (auth-plugin.ts).
  AUTH_TOKEN_INVALID: {
    title: "Jeton invalide",
    remedy:
      "Envoyez un jeton valide, ni expiré ni révoqué ; créez-en un nouveau avec decree tokens create ou POST /tokens.",
  },
  AUTH_TOKEN_EXPIRED: {
    title: "Jeton expiré",
    remedy: "Créez un nouveau jeton avec decree tokens create ou POST /tokens.",
  },
  AUTH_TOKEN_REVOKED: {
    title: "Jeton révoqué",
    remedy: "Créez un nouveau jeton avec decree tokens create ou POST /tokens.",
  },
  AUTH_ACCOUNT_DISABLED: {
    title: "Compte désactivé",
    remedy:
      "Demandez un autre compte à un administrateur ; les jetons et les sessions d’un utilisateur désactivé restent refusés.",
  },
  AUTH_SESSION_INVALID: {
    title: "Session expirée ou inconnue",
    remedy: "Reconnectez-vous par POST /auth/login (ou par /login dans l’interface web).",
  },
  AUTH_LOGIN_FAILED: {
    title: "Adresse électronique ou mot de passe erroné",
    remedy:
      "Vérifiez l’adresse électronique et le mot de passe, ou demandez à un administrateur de définir un mot de passe (decree accounts add-user --password-stdin).",
  },
  FORBIDDEN: {
    title: "Action non permise pour ce rôle",
    remedy: "Utilisez un compte dont le rôle a cette permission (src/review/permissions.ts les liste).",
  },
  CSRF_INVALID: {
    title: "Jeton CSRF absent ou erroné",
    remedy:
      "Envoyez à chaque modification, dans X-CSRF-Token, le csrfToken renvoyé à la connexion (il figure aussi dans le cookie decree_csrf).",
  },
  RATE_LIMITED: {
    title: "Trop de requêtes",
    remedy: "Attendez le délai qu’indique l’en-tête Retry-After avant de réessayer.",
  },
  ORGANISATION_INVALID: {
    title: "Organisation invalide",
    remedy: "Donnez à l’organisation un nom de 1 à 100 caractères, sans caractère de contrôle.",
  },
  ORGANISATION_DUPLICATE: {
    title: "L’organisation existe déjà",
    remedy: "L’organisation existe déjà : utilisez-la (decree accounts list), ou choisissez un autre nom.",
  },
  ORGANISATION_NOT_FOUND: {
    title: "Organisation introuvable",
    remedy:
      "Vérifiez le nom de l’organisation avec decree accounts list, ou créez-la avec decree accounts add-org.",
  },
  USER_INVALID: {
    title: "Utilisateur invalide",
    remedy:
      "Corrigez le champ de l’utilisateur que le message désigne : une adresse électronique, l’un des rôles, un mot de passe de la longueur indiquée.",
  },
  USER_DUPLICATE: {
    title: "Un utilisateur a déjà cette adresse électronique",
    remedy:
      "Un utilisateur a déjà cette adresse électronique : utilisez-le (decree accounts list), ou choisissez une autre adresse.",
  },
  USER_NOT_FOUND: {
    title: "Utilisateur introuvable",
    remedy:
      "Vérifiez l’adresse électronique ou l’identifiant de l’utilisateur avec decree accounts list ou GET /accounts/users.",
  },
  USER_DISABLED: {
    title: "Utilisateur désactivé",
    remedy:
      "L’utilisateur est désactivé : créez-en un autre, car un utilisateur désactivé ne peut pas être réactivé.",
  },
  TOKEN_INVALID: {
    title: "Demande de jeton invalide",
    remedy:
      "Donnez un libellé de 100 caractères au plus et une expiration future, à 366 jours au plus (par exemple 30d pour 30 jours, ou 2027-06-30).",
  },
  TOKEN_NOT_FOUND: {
    title: "Jeton introuvable",
    remedy: "Vérifiez l’identifiant du jeton avec decree tokens list ou GET /tokens.",
  },

  // le circuit par HTTP : décisions, documents, délai d’annulation, accusés de réception, webhooks
  ORDER_NOT_CONFIRMED: {
    title: "La décision attend la confirmation d’une autorité",
    remedy:
      "Demandez d’abord à une autorité de confirmer la décision (decree orders confirm ID, POST /orders/{id}/confirm).",
  },
  ORDER_ALREADY_CONFIRMED: {
    title: "Décision déjà confirmée",
    remedy: "Rien à faire : la décision est déjà confirmée.",
  },
  DOCUMENT_DUPLICATE: {
    title: "La décision a déjà son document",
    remedy: "Rien à faire : le document de la décision est déjà enregistré, et il ne l’est qu’une fois.",
  },
  DOCUMENT_HASH_MISMATCH: {
    title: "Le document ne correspond pas au SHA-256 de la décision",
    remedy:
      "Envoyez exactement le fichier dont la décision a déclaré le SHA-256, ou corrigez document.sha256 avant d’enregistrer la décision.",
  },
  DOCUMENT_INVALID: {
    title: "Document invalide",
    remedy:
      "Envoyez comme corps de la requête le contenu même du fichier, non vide et dans la limite de taille que le message indique.",
  },
  DOCUMENT_MEDIA_TYPE: {
    title: "Type de document refusé",
    remedy:
      "Envoyez le document avec pour Content-Type l’un des types de média que le message liste, par exemple application/pdf.",
  },
  DOCUMENT_NOT_FOUND: {
    title: "Aucun document pour cette décision",
    remedy: "Envoyez d’abord le document par POST /orders/{id}/document.",
  },
  APPROVAL_PENDING: {
    title: "Une approbation attend la fin de son délai d’annulation",
    remedy:
      "Attendez la fin du délai d’annulation, ou annulez l’approbation par POST /targets/{id}/cancel-approval.",
  },
  APPROVAL_NOT_FOUND: {
    title: "Aucune approbation à annuler",
    remedy: "Rien à annuler : aucune approbation de la cible n’attend la fin de son délai d’annulation.",
  },
  APPROVAL_WINDOW_CLOSED: {
    title: "Le délai d’annulation est écoulé",
    remedy: "L’approbation a pris effet : suspendez ou levez plutôt l’entrée.",
  },
  TARGET_NOT_AN_ENTRY: {
    title: "Cible jamais publiée",
    remedy:
      "Seules les entrées publiées peuvent faire l’objet d’un signalement ou être renouvelées : approuvez d’abord la cible.",
  },
  WEBHOOK_INVALID: {
    title: "Webhook invalide",
    remedy:
      "Donnez une URL en https:// (ou http://), sans identifiants ni fragment, dont l’hôte est public, ou activez webhookAllowPrivate pour une installation de test.",
  },
  WEBHOOK_LIMIT: {
    title: "Trop de webhooks pour cette organisation",
    remedy:
      "Supprimez un webhook dont vous ne vous servez plus (DELETE /webhooks/{id}) avant d’en ajouter un autre.",
  },
  WEBHOOK_NOT_FOUND: {
    title: "Webhook introuvable",
    remedy: "Vérifiez l’identifiant du webhook avec GET /webhooks.",
  },

  // les contestations, les listes de déréférencement et la page de blocage
  APPEAL_NOT_FOUND: {
    title: "Contestation introuvable",
    remedy: "Vérifiez le lien ou l’identifiant de la contestation ; GET /appeals les liste pour l’autorité.",
  },
  APPEAL_TARGET_NOT_IN_FORCE: {
    title: "Seule une entrée en vigueur peut être contestée",
    remedy: "Contestez une entrée approuvée ou active ; GET /public/entries?q=NAME montre son état.",
  },
  APPEAL_DECISION_INVALID: {
    title: "Action impossible dans l’état de la contestation",
    remedy:
      "Vérifiez l’état de la contestation : une contestation déjà tranchée ne peut pas l’être une seconde fois.",
  },
  REQUEST_TOO_LARGE: {
    title: "Corps de requête trop volumineux",
    remedy:
      "Envoyez un corps plus petit : 1 MiB au plus, sauf sur les routes qui indiquent une autre limite.",
  },
  REQUEST_MEDIA_TYPE: {
    title: "Corps de requête d’un type que cette route n’accepte pas",
    remedy: "Envoyez le corps avec le Content-Type que la route accepte, en général application/json.",
  },
  REQUEST_URI_TOO_LONG: {
    title: "Chemin de requête trop long",
    remedy: "Raccourcissez le chemin et la chaîne de requête ; les identifiants sont des nombres courts.",
  },

  // checks/ : ce que trouvent les garde-fous ; le code d’un constat, ou le refus de leurs données
  TARGET_HOSTING_PLATFORM: {
    title: "La cible atteint les sites indépendants d’une plateforme d’hébergement",
    remedy:
      "Donnez le seul site visé sur la plateforme comme cible fqdn, et non le domaine de la plateforme avec tous les noms en dessous.",
  },
  TARGET_WILDCARD_BREADTH: {
    title: "La cible atteint un nom et tous les noms en dessous",
    remedy: "Vérifiez que la décision vise bien tous les noms sous celui-ci ; sinon, donnez des cibles fqdn.",
  },
  TARGET_ON_SHARED_PLATFORM: {
    title: "La cible est le site d’un utilisateur sur une plateforme partagée",
    remedy: "Vérifiez que la décision désigne le site de cet utilisateur, et non la plateforme.",
  },
  TARGET_PROTECTED_NAME: {
    title: "La cible atteint un nom protégé",
    remedy:
      "Retirez la cible ou, si la décision vise vraiment ce nom, demandez à un administrateur de déroger au constat, avec un motif.",
  },
  TARGET_SHARED_INFRASTRUCTURE: {
    title: "Cible dans une plage partagée d’un CDN ou d’un cloud",
    remedy:
      "Bloquez les noms du site plutôt que l’adresse, ou demandez à un administrateur de déroger au constat, preuve de l’usage exclusif à l’appui.",
  },
  TARGET_MIRROR_NOT_ALLOWED: {
    title: "Site miroir sous une décision qui ne s’étend pas aux miroirs",
    remedy:
      "Déposez le miroir sous une décision qui s’étend aux miroirs, ou obtenez une nouvelle décision qui le désigne.",
  },
  ORDER_NOT_IN_FORCE: {
    title: "Décision pas encore en vigueur",
    remedy: "Attendez le début de la validité de la décision pour approuver ses cibles.",
  },
  TARGET_ACTIVE_UNDER_OTHER_ORDER: {
    title: "Cible déjà visée par une autre décision",
    remedy:
      "Rien à corriger : le nom est déjà bloqué en vertu d’une autre décision, comme le montrent les éléments du constat.",
  },
  TARGET_EXEMPTED: {
    title: "Cible inscrite parmi les exemptions",
    remedy: "Retirez la cible : elle figure parmi les exemptions, avec la source que donne le constat.",
  },
  CHECKS_DATA_INVALID: {
    title: "Fichier de données des garde-fous invalide",
    remedy:
      "Corrigez le fichier de données au champ que le message désigne ; les fichiers livrés dans data/ en montrent le format.",
  },
  CHECKS_DATA_UNREADABLE: {
    title: "Fichier de données des garde-fous illisible",
    remedy: "Vérifiez le chemin du fichier de données et ses droits d’accès.",
  },

  // checks/ et les actions qu’ils éclairent : instantané DNS, dérogations, règle des deux personnes
  TARGET_CNAME_INTO_CDN: {
    title: "Le nom de la cible est un alias vers un CDN ou un hébergement partagé",
    remedy:
      "Examinez les éléments de l’instantané : bloquez les noms propres au site, pas ceux du CDN, ou faites confirmer par un second membre de l’autorité.",
  },
  TARGET_ADDRESS_SHARED: {
    title: "L’adresse de la cible répond pour de nombreux noms",
    remedy:
      "Examinez les éléments de l’instantané : préférez les noms à l’adresse, ou faites confirmer par un second membre de l’autorité.",
  },
  TARGET_ADDRESS_SHARED_BY_NAMES: {
    title: "De nombreux autres sites pointaient vers l’adresse de la cible",
    remedy:
      "Examinez dans les éléments de preuve les autres sites de cette adresse avant qu’un second membre de l’autorité ne confirme.",
  },
  TARGET_IP_WITHOUT_NAME: {
    title: "Aucun nom de la décision ne pointe vers cette adresse",
    remedy:
      "Vérifiez que l’adresse appartient aux sites de la décision : aucun des noms de la décision ne pointait vers elle.",
  },
  DNS_SNAPSHOT_SKIPPED: {
    title: "Aucun résolveur configuré pour l’instantané DNS",
    remedy:
      "Réglez checkResolver (DECREE_CHECK_RESOLVER) sur le HOST:PORT d’un résolveur pour que l’instantané DNS soit pris.",
  },
  DNS_SNAPSHOT_FAILED: {
    title: "Le nom de la cible n’a pas pu être résolu",
    remedy:
      "Vérifiez que le nom se résout et que le checkResolver répond ; les éléments de preuve contiennent l’erreur du résolveur.",
  },
  TARGET_BLOCKED_BY_FINDING: {
    title: "Un constat bloque l’approbation faute de dérogation confirmée",
    remedy:
      "Retirez la cible, ou faites déroger un administrateur à chaque constat bloquant et faites confirmer chaque dérogation par un autre utilisateur.",
  },
  APPROVAL_SAME_USER: {
    title: "La seconde approbation doit venir d’un autre utilisateur",
    remedy: "Faites approuver la cible par un second membre de l’autorité.",
  },
  OVERRIDE_CODE_UNKNOWN: {
    title: "La cible n’a aucun constat bloquant de ce code",
    remedy: "Donnez le code de l’un des constats bloquants de la cible (GET /targets/{id} les liste).",
  },
  OVERRIDE_NOT_FOUND: {
    title: "Dérogation en attente introuvable",
    remedy:
      "Vérifiez l’identifiant de la dérogation sur la page de la cible ; une dérogation confirmée n’est plus en attente.",
  },
  OVERRIDE_SAME_USER: {
    title: "Une dérogation doit être confirmée par un autre utilisateur",
    remedy: "Faites confirmer la dérogation par un autre administrateur ou par un membre de l’autorité.",
  },
  OVERRIDE_ALREADY_CONFIRMED: {
    title: "Dérogation déjà confirmée",
    remedy: "Rien à faire : la dérogation est déjà confirmée.",
  },

  // registry/log et `decree verify` : le journal public, où toute altération se voit
  LOG_RANGE_INVALID: {
    title: "Plage ou taille d’arbre indisponible dans le journal",
    remedy:
      "Demandez des index et des tailles d’arbre dans la limite de la taille du dernier point de contrôle (GET /log/checkpoint).",
  },
  LOG_LEAF_NOT_FOUND: {
    title: "Aucune feuille du journal n’a ce hachage",
    remedy: "Vérifiez le hachage de la feuille, et que son événement figure déjà dans un point de contrôle.",
  },
  LOG_CHECKPOINT_MISSING: {
    title: "Le journal n’a pas encore de point de contrôle",
    remedy: "Attendez la première version : c’est alors que le journal signe son premier point de contrôle.",
  },
  LOG_COSIGNATURE_INVALID: {
    title: "Cosignature non valide pour un témoin configuré",
    remedy:
      "Signez la ligne du point de contrôle avec une clé de témoin listée dans logWitnesses, pour une taille que le journal a publiée.",
  },
  VERIFY_INPUT_INVALID: {
    title: "Données de vérification illisibles",
    remedy:
      "Vérifiez l’URL, le fichier ou la clé que le message désigne : cet élément n’a pas pu être obtenu ni lu.",
  },
  VERIFY_FAILED: {
    title: "Échec de la vérification : le journal ou le flux n’est pas cohérent",
    remedy:
      "Conservez les éléments de preuve affichés et écrits dans le dossier d’état, et signalez-les à l’exploitant du registre.",
  },

  // verify/ : sondes, résolveurs et agents de sonde
  RESOLVER_INVALID: {
    title: "Résolveur invalide",
    remedy:
      "Donnez le résolveur sous la forme HOST:PORT, avec --tcp, --tls ou --https URL pour les autres transports.",
  },
  RESOLVER_DUPLICATE: {
    title: "Résolveur déjà enregistré",
    remedy: "Rien à faire : ce résolveur est déjà enregistré pour cet opérateur.",
  },
  PROBE_NO_RESOLVERS: {
    title: "Aucun résolveur enregistré à sonder",
    remedy:
      "Enregistrez les résolveurs de l’opérateur avec decree operators resolver add avant de lancer les sondes.",
  },
  PROBE_AGENT_INVALID: {
    title: "Agent de sonde invalide",
    remedy:
      "Corrigez le champ de l’agent que le message désigne (son nom, son opérateur ou son utilisateur).",
  },
  PROBE_AGENT_DUPLICATE: {
    title: "Agent de sonde déjà enregistré",
    remedy: "Choisissez un autre nom pour l’agent : decree probe agent list montre ceux qui sont pris.",
  },
  PROBE_AGENT_UNKNOWN: {
    title: "Aucun agent de sonde pour ce jeton",
    remedy: "Utilisez le jeton que decree probe agent add a affiché pour cet agent.",
  },
  PROBE_AGENT_KEY_MISMATCH: {
    title: "La clé de l’agent diffère de celle qui a été épinglée",
    remedy:
      "Lancez l’agent avec la clé qu’il a utilisée la première fois (--key), ou enregistrez un nouvel agent pour la nouvelle clé.",
  },
  PROBE_BATCH_INVALID: {
    title: "Lot de mesures invalide",
    remedy:
      "Envoyez le lot tel que decree probe le construit : du JSON signé, avec les questions de la tâche et les réponses brutes.",
  },
  PROBE_SIGNATURE_INVALID: {
    title: "La signature du lot de mesures ne se vérifie pas",
    remedy: "Signez les octets exacts du lot avec la clé Ed25519 propre à l’agent.",
  },
  PROBE_REGISTRY_UNREACHABLE: {
    title: "L’agent de sonde n’a pas pu travailler avec le registre",
    remedy:
      "Vérifiez --registry URL et le jeton de l’agent, et que le registre répond depuis le réseau de l’agent.",
  },

  // verify/mirrors : les sites miroirs, leurs éléments de preuve et leurs scores
  MIRROR_NO_ORIGINAL: {
    title: "La décision n’a aucun site bloqué auquel comparer un miroir",
    remedy: "Un miroir se compare à un site bloqué : approuvez d’abord au moins un des noms de la décision.",
  },
  MIRROR_RESOLVER_MISSING: {
    title: "Aucun résolveur configuré pour les éléments de preuve des miroirs",
    remedy: "Réglez mirrorResolver ou checkResolver, ou passez --resolver HOST:PORT.",
  },
  MIRROR_CANDIDATE_NOT_FOUND: {
    title: "Miroir présumé introuvable",
    remedy: "Vérifiez l’identifiant du miroir présumé avec GET /orders/{id}/mirrors.",
  },
  MIRROR_WEAK_EVIDENCE: {
    title: "Le miroir présumé obtient un score inférieur au seuil",
    remedy:
      "Rien à corriger : le miroir présumé est placé dans la file d’examen de l’autorité, avec ses éléments de preuve.",
  },

  // observabilité : GET /metrics
  METRICS_NOT_ENABLED: {
    title: "Les métriques ne sont pas servies à cette adresse",
    remedy:
      "Réglez metricsToken pour servir ici GET /metrics au collecteur qui envoie ce jeton, ou metrics (HOST:PORT) pour une adresse d’écoute dédiée.",
  },
  METRICS_TOKEN_INVALID: {
    title: "Les métriques exigent le jeton de collecte",
    remedy: "Envoyez Authorization: Bearer <metricsToken>, le jeton configuré pour le service.",
  },

  // démarrage : le dossier de données, la base de données et les adresses d’écoute, chacun avec sa correction
  DATA_DIR_UNUSABLE: {
    title: "Le dossier de données ne peut pas accueillir le registre",
    remedy:
      "Rendez le dossier accessible en lecture et en écriture à l’utilisateur de decree, ou choisissez-en un autre avec --data ou DECREE_DATA.",
  },
  STORE_UNREACHABLE: {
    title: "PostgreSQL est injoignable",
    remedy:
      "Corrigez l’hôte et le port dans --database-url ou DATABASE_URL, ou démarrez le serveur PostgreSQL.",
  },
  STORE_LOGIN_REFUSED: {
    title: "PostgreSQL a refusé la connexion",
    remedy: "Corrigez l’utilisateur et le mot de passe dans --database-url ou DATABASE_URL.",
  },
  STORE_DATABASE_MISSING: {
    title: "La base de données PostgreSQL n’existe pas",
    remedy: "Créez la base (createdb NAME) ou corrigez son nom dans --database-url ou DATABASE_URL.",
  },
  SERVE_PORT_IN_USE: {
    title: "Une adresse d’écoute est déjà utilisée",
    remedy:
      "Arrêtez l’autre programme ou choisissez une autre adresse avec --http, --dns ou --stop (ou DECREE_HTTP, …).",
  },
  SERVE_ADDRESS_UNUSABLE: {
    title: "Une adresse d’écoute est inutilisable",
    remedy:
      "Choisissez une adresse de cette machine, et un port supérieur à 1023, sauf si decree a le droit d’ouvrir les ports privilégiés.",
  },

  // accounts/ et cli/ : au nom de quel compte agit une commande ; des nombres stricts dans les routes et les options
  CLI_IDENTITY_REQUIRED: {
    title: "La commande agit au nom d’un compte et aucun n’a été désigné",
    remedy:
      "Ajoutez --as EMAIL avec --password-stdin, ou --token (DECREE_TOKEN), ou demandez à un administrateur d’associer votre utilisateur système à un compte.",
  },
  CLI_IDENTITY_UNPROVEN: {
    title: "L’identité du compte au nom duquel agit la commande n’est pas établie",
    remedy:
      "Donnez le mot de passe de ce compte (--password-stdin ou à l’invite) ou son jeton, ou utilisez l’association de votre utilisateur système.",
  },
  OS_USER_INVALID: {
    title: "Ce n’est pas un nom d’utilisateur du système",
    remedy: "Écrivez le nom d’utilisateur tel que `id -un` l’affiche.",
  },
  OS_USER_NOT_MAPPED: {
    title: "L’utilisateur système n’est associé à aucun compte",
    remedy: "Listez les associations avec `decree accounts os-users`.",
  },
  NUMBER_INVALID: {
    title: "Entier décimal non canonique ou hors limites",
    remedy:
      "Écrivez le nombre en chiffres décimaux simples, sans signe, zéro initial, exposant ni préfixe hexadécimal.",
  },

  // publish/ : numéros de série SOA, sauvegardes, comptes des opérateurs et NOTIFY
  SERIAL_STATE_UNREADABLE: {
    title: "Le dernier numéro de série servi est illisible",
    remedy:
      "Corrigez <data>/served-serial.json avec le numéro de série que détiennent vos serveurs secondaires, ou supprimez-le si aucun transfert de zone n’a jamais eu lieu.",
  },
  BACKUP_FAILED: {
    title: "La sauvegarde n’a pas pu être écrite",
    remedy:
      "Donnez un chemin accessible en écriture hors du dossier de données ou, sous PostgreSQL, utilisez pg_dump comme l’indique la commande.",
  },
  RESTORE_INVALID: {
    title: "Le fichier n’est pas une sauvegarde de decree",
    remedy:
      "Donnez un fichier écrit par `decree backup` ; sous PostgreSQL, restaurez avec pg_restore comme l’indique la commande.",
  },
  RESTORE_WHILE_SERVING: {
    title: "Le dossier de données est en service",
    remedy: "Arrêtez le `decree serve` qui occupe le dossier de données, puis relancez la restauration.",
  },
  OPERATOR_KIND_INVALID: {
    title: "Type d’opérateur inconnu",
    remedy: "Donnez l’un des types isp, public-resolver, vpn ou search-engine.",
  },
  OPERATOR_REMOVED: {
    title: "Opérateur retiré",
    remedy:
      "Enregistrez de nouveau l’opérateur avec `decree operators add` s’il doit de nouveau appliquer les mesures.",
  },
  OPERATOR_NO_KEY: {
    title: "L’opérateur n’a pas de clé TSIG",
    remedy:
      "Seul un opérateur enregistré avec une clé TSIG peut changer de clé ; celui-ci obtient le transfert de zone par son adresse.",
  },

  // câblage
  CONFIG_INVALID: {
    title: "Configuration invalide",
    remedy:
      "Corrigez le réglage que le message désigne, dans l’option, la variable d’environnement ou le fichier de configuration (docs/configuration.md).",
  },
  STORE_UNAVAILABLE: {
    title: "Stockage indisponible",
    remedy:
      "Vérifiez que le dossier de données est accessible en écriture ou que DATABASE_URL mène à un serveur PostgreSQL en marche.",
  },
  WEB_UI_NOT_BUILT: {
    title: "Interface web non construite",
    remedy: "Lancez npm run build:web, puis redémarrez decree serve.",
  },
  NOT_FOUND: { title: "Introuvable", remedy: "Vérifiez le chemin d’après GET /openapi.json." },
  REQUEST_INVALID: {
    title: "Requête invalide",
    remedy: "Corrigez le champ que le message désigne ; GET /openapi.json donne le schéma de chaque route.",
  },
  INTERNAL: {
    title: "Erreur interne",
    remedy:
      "Réessayez ; si l’erreur persiste, donnez à l’exploitant l’heure de la requête pour qu’il la retrouve dans le journal.",
  },
  // checks/ : un constat qui consigne des éléments de preuve au lieu de rien refuser
  DNS_SNAPSHOT: {
    title: "Instantané DNS pris",
    remedy:
      "Rien à corriger : le constat garde ce vers quoi le nom se résolvait quand il a été proposé, pour que l’examinateur en tienne compte.",
  },
  MIRROR_EVIDENCE: {
    title: "Éléments indiquant qu’un nom est un miroir",
    remedy:
      "Rien à corriger : le constat garde, pour l’examinateur, la comparaison avec le site d’origine qui a valu au nom d’être mis en file d’examen.",
  },
  // périodes de blocage : les entrées d’une décision servies seulement pendant des intervalles donnés (événements en direct)
  WINDOW_INVERTED: {
    title: "La période finit avant de commencer",
    remedy: "Donnez une période dont la fin suit le début (--from avant --to), marges comprises.",
  },
  WINDOW_OVERLAP: {
    title: "Des périodes se chevauchent",
    remedy:
      "Fusionnez les périodes qui se chevauchent, ou déplacez-en une ; `decree orders windows list ORDER` montre celles déjà enregistrées.",
  },
  WINDOW_OUTSIDE_VALIDITY: {
    title: "Période hors de la validité de la décision",
    remedy:
      "Gardez chaque période, marges comprises, entre le début et la fin de la validité de la décision (ou de la cible).",
  },
  WINDOW_NOT_FOUND: {
    title: "Période introuvable",
    remedy:
      "Vérifiez l’identifiant de la période avec `decree orders windows list ORDER` (ou GET /orders/ID/windows).",
  },
  WINDOW_MARGIN_INVALID: {
    title: "Marge de période invalide",
    remedy:
      "Écrivez une marge en minutes, heures ou secondes (15m, 2h, 90s) ou en durée ISO 8601 (par exemple PT15M pour 15 minutes).",
  },
  ICAL_INVALID: {
    title: "Fichier iCalendar mal formé",
    remedy:
      "Exportez à nouveau le calendrier en fichier iCalendar (.ics, RFC 5545) dont les événements ont un début en UTC ou avec un fuseau horaire.",
  },
  BGP_NEXT_HOP_INVALID: {
    title: "Prochain saut BGP invalide",
    remedy:
      "Réglez bgpNextHopIpv4 sur une adresse IPv4 et bgpNextHopIpv6 sur une adresse IPv6, celles que vos routeurs envoient vers une route de rejet (docs/operators/bgp.md).",
  },
  BGP_ROUTE_NOT_APPROVED: {
    title: "Route non approuvée",
    remedy:
      "Ces routes ont été écartées et les autres annoncées ; vérifiez les entrées que le message désigne avec `decree targets list` et signalez l’état du stockage.",
  },
  BGP_RELOAD_FAILED: {
    title: "Échec du rechargement du démon BGP",
    remedy:
      "Vérifiez que BIRD tourne et que bgpReloadCommand (ou birdc -s bgpBirdSocket) l’atteint ; le fichier des routes est conservé et la prochaine version réessaiera.",
  },
  BGP_SETTINGS_INVALID: {
    title: "Réglages BGP invalides",
    remedy:
      "Corrigez le numéro d’AS, l’identifiant de routeur ou l’adresse que le message désigne (docs/operators/bgp.md).",
  },

  // checks/ : ce que sert une adresse (exploitant, co-hébergement, résolveurs publics) et les données qui le disent
  TARGET_PUBLIC_RESOLVER: {
    title: "La cible est un résolveur DNS public",
    remedy:
      "Retirez la cible : bloquer l’adresse ou le nom d’un résolveur public coupe la résolution de noms de tous ses utilisateurs.",
  },
  TARGET_ASN_SHARED: {
    title: "La cible est annoncée par un CDN, un cloud ou un résolveur public",
    remedy:
      "Bloquez les noms du site plutôt que l’adresse, ou demandez à un administrateur de déroger au constat, preuve de l’usage exclusif à l’appui.",
  },
  TARGET_ASN_HOSTING: {
    title: "La cible est annoncée par un hébergeur",
    remedy:
      "Vérifiez que l’adresse est celle du serveur propre au site, et non d’un hébergement mutualisé, avant qu’un second membre de l’autorité ne confirme.",
  },
  TARGET_ASN: {
    title: "Qui exploite l’adresse de la cible",
    remedy: "Rien à corriger : le constat nomme le système autonome et l’organisation, pour l’examinateur.",
  },
  TARGET_CO_HOSTED: {
    title: "L’adresse de la cible sert de nombreux sites",
    remedy:
      "Bloquez plutôt les noms du site, ou enregistrez une déclaration d’usage exclusif (decree targets exclusive-use) avec ses justificatifs.",
  },
  TARGET_CO_HOSTING_CLEAN: {
    title: "L’adresse de la cible ne sert aucun site sans rapport",
    remedy:
      "Rien à corriger : le DNS passif et les instantanés ne montrent aucun site sans rapport derrière l’adresse.",
  },
  TARGET_CO_HOSTING_UNKNOWN: {
    title: "On ne sait rien des sites que sert l’adresse de la cible",
    remedy:
      "Chargez des observations de DNS passif (decree data load-passive-dns FILE), ou enregistrez une déclaration d’usage exclusif.",
  },
  ASN_DATA_INVALID: {
    title: "Tables de correspondance IP-ASN illisibles",
    remedy:
      "Faites pointer asnDataFolder vers un dossier contenant asn-ipv4-num.csv et asn-ipv6-num.csv d’une version de @ip-location-db/asn.",
  },
  PASSIVE_DNS_FORMAT_INVALID: {
    title: "Fichier de DNS passif au mauvais format",
    remedy:
      'Donnez des lignes JSON FDNS de Rapid7 ({"name","type","value"}) ou un CSV name,address ; corrigez la ligne que le message désigne.',
  },
  EXCLUSIVE_USE_NOT_SHOWN: {
    title: "L’usage exclusif de l’adresse n’est pas établi",
    remedy:
      "Enregistrez une déclaration d’usage exclusif avec son document (decree targets exclusive-use, POST /targets/{id}/exclusive-use), ou chargez des données de DNS passif qui ne montrent aucun site sans rapport.",
  },
  EXCLUSIVE_USE_INVALID: {
    title: "Déclaration d’usage exclusif invalide",
    remedy:
      "Donnez une cible IP ou CIDR de la décision, une déclaration, et le SHA-256 du document (64 chiffres hexadécimaux) ou le document lui-même.",
  },
  ORDER_EDE_INVALID: {
    title: "Code Extended DNS Error inconnu pour une décision",
    remedy:
      "Donnez ede: 15 (blocked), 16 (censored, la valeur par défaut) ou 17 (filtered), par numéro ou par nom.",
  },
  ROLLOUT_CANARY_BUSY: {
    title: "L’opérateur détient une publication en test",
    remedy:
      "Promouvez ou retirez d’abord la publication en test (`decree releases proceed|withdraw SERIAL --reason`), puis retirez l’opérateur des témoins.",
  },
  ROLLOUT_NOT_STAGED: {
    title: "Aucune publication en test sous ce numéro",
    remedy:
      "Donnez le numéro de la publication en test (`decree releases rollout` l’affiche) ; une publication déjà promue, retirée ou jamais mise en test n’a rien à décider.",
  },
  SELECTION_CHANGED: {
    title: "Les cibles correspondant au filtre ont changé",
    remedy:
      "Rechargez la file de revue avec le même filtre et décidez sur le nombre qu’elle montre maintenant, ou désignez les cibles par leur numéro.",
  },
};
