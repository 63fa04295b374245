import type { FindingCode } from "../vocabulary/vocabulary.ts";

/**
 * The message of every finding code in French, filled from the same `params` as the English text
 * (finding-texts-en.ts). Apostrophes are typographic (’): in ICU a straight one before a brace quotes it.
 */
export const findingTextsFr: Record<FindingCode, string> = {
  ORDER_EXPIRED: "La décision {orderId} a pris fin le {until}.",
  ORDER_MEASURE_NOT_GRANTED: "La décision {orderId} ordonne {measures} ; une cible {kind} demande {needed}.",
  ORDER_NOT_CONFIRMED:
    "La décision {orderId} a été soumise par un demandeur et attend la confirmation d’une autorité.",
  ORDER_NOT_IN_FORCE: "La décision {orderId} entre en vigueur le {from}.",
  DNS_SNAPSHOT:
    "{variant, select, nxdomain {{name} n’existait pas dans le DNS lors de la soumission.} address {{address} est l’adresse de {names}, de cette décision.} other {{name} se résolvait{chained, select, yes { via {chain}} other {}} en {addressed, select, yes {{addresses}} other {aucune adresse}}.}}",
  DNS_SNAPSHOT_FAILED: "{name} n’a pas pu être résolu par {server} ({error}) ; pas d’instantané.",
  DNS_SNAPSHOT_SKIPPED:
    "Pas d’instantané DNS : aucun résolveur n’est configuré pour les vérifications (checkResolver, DECREE_CHECK_RESOLVER). Ce vers quoi le nom pointait lors de la soumission n’est pas consigné.",
  MIRROR_EVIDENCE: "{name} comparé à {original} : {explanation}.",
  MIRROR_WEAK_EVIDENCE: "{name} comparé à {original} : {explanation}.",
  TARGET_ACTIVE_UNDER_OTHER_ORDER:
    "{value} est déjà à l’état {state} au titre de la décision {orderId} (jusqu’au {until}) ; cette décision le garderait bloqué pour sa propre durée.",
  TARGET_ADDRESS_SHARED:
    "{name} se résout en {addresses}, dans des plages que {providers} publie comme partagées : de nombreux noms sans lien répondent par les mêmes adresses.",
  TARGET_ADDRESS_SHARED_BY_NAMES:
    "{count, plural, one {{addresses} est l’adresse} other {{addresses} sont les adresses}} où se {sites, plural, one {résolvait # autre site d’une autre décision} other {résolvaient # autres sites d’autres décisions}} ({sample}{more, select, yes {, …} other {}}). {subject} est sur un hébergement partagé : bloquez par nom, jamais par adresse, et vérifiez que ce n’est pas le nom de l’hébergeur.",
  TARGET_ASN:
    "{variant, select, unannounced {{address} n’est annoncée par aucun système autonome connu du jeu de données IP-ASN ({date}).} unclassified {{address} est annoncée par l’AS{asn} ({organisation}), un réseau que les données de decree ne classent pas.} other {{address} est annoncée par l’AS{asn} ({organisation}), un réseau d’accès (adresses d’abonnés).}}",
  TARGET_ASN_HOSTING:
    "{address} est annoncée par l’AS{asn} ({organisation}), un hébergeur dont l’hébergement mutualisé met de nombreux sites sur une adresse. Vérifiez que l’adresse est le serveur propre du site, et non un hébergement mutualisé, avant une seconde approbation.",
  TARGET_ASN_SHARED:
    "{address} est annoncée par l’AS{asn} ({organisation}), {class, select, cdn {un CDN, dont chaque adresse sert les sites de nombreux clients} cloud {un cloud public, dont les adresses servent de nombreux clients et passent de l’un à l’autre} other {un opérateur de résolveur DNS public}}. La bloquer coupe chaque site et chaque utilisateur derrière elle : nommez plutôt les noms d’hôte du site.",
  TARGET_CNAME_INTO_CDN:
    "{name} est un alias de {alias}, un nom de {provider} ({kind}) : ses adresses servent de nombreux sites sans lien. Bloquez le nom si la décision le nomme ; jamais ses adresses.",
  TARGET_CO_HOSTED:
    "{address} sert {atLeast, select, yes {au moins } other {}}{sites} {sites, plural, one {site} other {sites}} (domaines enregistrables, ceux de la décision comptant pour un), plus de {limit} : {sample}{more, select, yes {, …} other {}}. La bloquer les coupe tous ; nommez les noms d’hôte du site, ou enregistrez une déclaration d’usage exclusif avec sa preuve.",
  TARGET_CO_HOSTING_CLEAN:
    "{address} sert {atLeast, select, yes {au moins } other {}}{sites} {sites, plural, one {site} other {sites}} selon le DNS passif et les instantanés du registre{sampled, select, yes { : {sample}} other {}}.",
  TARGET_CO_HOSTING_UNKNOWN:
    "On sait trop peu des sites que sert {address} : aucune observation DNS passive n’est chargée (decree data load-passive-dns){sampled, select, yes {, seulement les instantanés du registre ({sample})} other { et aucun instantané DNS ne l’a trouvée}}. L’approuver demande une déclaration d’usage exclusif.",
  TARGET_EXEMPTED: "{value} rencontre {listed}, inscrit comme exemption : {reason}.",
  TARGET_HOSTING_PLATFORM:
    "*.{name} atteint chaque site hébergé sur {platform}, une plateforme dont les sous-domaines appartiennent à des utilisateurs sans lien : nommez plutôt le site en cause (site.{platform}).",
  TARGET_IP_WITHOUT_NAME:
    "Aucun nom de cette décision ne se résout en {address} (par {server}, lors de la soumission) : rien ne relie l’adresse au site visé, et une adresse peut en servir bien d’autres. Nommez plutôt les noms d’hôte du site, ou dites pourquoi l’adresse elle-même doit être bloquée.",
  TARGET_MIRROR_NOT_ALLOWED:
    "La décision {orderId} ne s’étend pas aux sites miroirs : un miroir demande une nouvelle décision, ou une décision qui s’étend aux miroirs (par exemple art. L.331-27 CPI en France).",
  TARGET_ON_SHARED_PLATFORM:
    "{name} est le site d’un utilisateur sur {platform}, une plateforme partagée : le blocage n’atteint que ce site.",
  TARGET_PROTECTED_NAME:
    "{name} {relation, select, at {est} below {est sous} other {atteint, en dessous,}} {protectedName}, un nom protégé ({category}) : le bloquer couperait le public dans son ensemble. Seule une dérogation d’un administrateur, motivée par écrit, le laisse passer.",
  TARGET_PUBLIC_RESOLVER:
    "{subject} {relation, select, inside {est} contains {contient} other {atteint}} {listed}, {kind, select, address {une adresse} other {un nom}} du résolveur public {operator} : le bloquer coupe la résolution de noms pour tous ceux qui l’utilisent. Seule une dérogation d’un administrateur, motivée par écrit, le laisse passer.",
  TARGET_PUBLIC_SUFFIX:
    "{name} est un suffixe public (section {section} de la Public Suffix List) : les noms en dessous appartiennent à des titulaires sans lien entre eux.",
  TARGET_SHARED_INFRASTRUCTURE:
    "{address} {relation, select, inside {est dans} other {contient}} {range}, publiée par {provider} comme infrastructure partagée : la bloquer bloque chaque site qui en est servi. Nommez plutôt les noms d’hôte du site.",
  TARGET_VALIDITY_BEYOND_ORDER:
    "La validité de la cible (jusqu’au {targetUntil}) dépasse celle de la décision {orderId} ({orderUntil}).",
  TARGET_WILDCARD_BREADTH:
    "Une cible de type domaine bloque {name} et chaque nom en dessous (*.{name}), y compris ceux créés plus tard.",
};
