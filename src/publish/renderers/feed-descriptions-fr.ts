/**
 * What each feed format is, in French, for the operators' engineers who read the list of feeds in French (GET
 * /feeds with Accept-Language: fr, the operator's desk). Keyed by format; a test fails when a format has none.
 */
export const feedDescriptionsFr: Readonly<Record<string, string>> = {
  rpz: "la zone RPZ en fichier maître (draft-ietf-dnsop-dns-rpz), pour les résolveurs qui la chargent depuis le disque",
  unbound: "configuration Unbound local-zone/local-data/response-ip à inclure dans unbound.conf",
  dnsmasq: "options dnsmasq (address=, host-record=, bogus-nxdomain=) pour conf-file=",
  hosts:
    "lignes de fichier hosts (0.0.0.0 nom) ; noms exacts seulement : ni sous-domaines ni adresses ne s’y expriment",
  adblock: "règles de filtrage DNS AdGuard : ||domaine^ (avec ses sous-domaines), |nom^ (nom exact)",
  list: "noms bloqués, un par ligne (domaines et noms exacts confondus) ; ?since=N donne des lignes -nom/+nom",
  csv: "lignes kind,value,action ; ?since=N ajoute une colonne op (remove, add)",
  json: "la liste en JSON : serial, zone, checkpoint (size, rootHash) et entries (kind, value, action) ; ?since=N donne les ajouts et retraits depuis N",
  cidr: "adresses et préfixes bloqués en notation CIDR, un par ligne ; ?since=N donne des lignes -/+",
  nftables: "ensembles nftables decree_v4/decree_v6 (table inet decree) des adresses bloquées, pour nft -f",
  bird: "fichier à inclure dans BIRD 2 : routes statiques blackhole (/32, /128, préfixes) avec la communauté 65535:666 et la communauté bien connue no-export (RFC 1997)",
  "bgp-json":
    'routes de blocage en JSON : {"serial","zone","checkpoint","communities":["65535:666","65535:65281"],"routes":[{prefix,nextHop}]}',
  "piracy-shield-fqdn":
    "liste fqdn compatible Piracy Shield (comme /api/v1/fqdn/get/all/txt) : noms seulement, sans sous-domaines",
  "piracy-shield-ipv4":
    "liste ipv4 compatible Piracy Shield (comme /api/v1/ipv4/get/all/txt) : adresses seules, la plateforme n’ayant pas de liste CIDR ; les préfixes sont dans /feeds/cidr",
  "piracy-shield-ipv6":
    "liste ipv6 compatible Piracy Shield (comme /api/v1/ipv6/get/all/txt) : adresses seules, la plateforme n’ayant pas de liste CIDR ; les préfixes sont dans /feeds/cidr",
};
