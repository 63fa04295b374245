import type { MirrorTextKey } from "./mirror-texts-en.ts";

/** Les preuves de miroir en mots, en français : les mêmes valeurs que l’anglais (mirror-texts-en.ts). */
export const mirrorTextsFr: Record<MirrorTextKey, string> = {
  "redirect.match": "redirection depuis {original}",
  "redirect.miss": "{original} ne redirige pas vers {candidate}",
  "text.match": "même texte de page ({percent} % des phrases)",
  "text.miss": "texte de page différent ({percent} % des phrases en commun)",
  "template.match": "même gabarit de page ({percent} % de sa structure)",
  "template.miss": "structure de page différente ({percent} %)",
  "favicon.match": "même favicon",
  "favicon.miss": "favicon différente ou absente",
  "tracking.match":
    "{count, plural, one {même identifiant de mesure d’audience ou de régie publicitaire} other {mêmes identifiants de mesure d’audience ou de régie publicitaire}} ({items})",
  "tracking.miss": "aucun identifiant de mesure d’audience ou de régie publicitaire en commun",
  "players.match":
    "{count, plural, one {même hébergeur de lecteur vidéo} other {mêmes hébergeurs de lecteur vidéo}} ({items})",
  "players.miss": "aucun hébergeur de lecteur vidéo en commun",
  "scripts.match":
    "{count, plural, one {même hébergeur de scripts} other {mêmes hébergeurs de scripts}} ({items})",
  "scripts.miss": "aucun hébergeur de scripts en commun",
  "addresses.match": "{count, plural, one {même adresse} other {mêmes adresses}} ({items})",
  "addresses.miss": "aucune adresse en commun",
  "nameServers.match": "{count, plural, one {même serveur de noms} other {mêmes serveurs de noms}} ({items})",
  "nameServers.miss": "aucun serveur de noms en commun",
  "certificate.same": "même certificat TLS",
  "certificate.names": "le certificat TLS nomme aussi {original}",
  "certificate.miss": "certificat TLS sans rapport ou absent",
  "name.similar": "nom semblable ({candidate} ~ {original})",
  "explanation.none": "aucun signal ne correspond",
  explanation:
    "{verdict, select, mirror {miroir} other {pas un miroir}} (score {score, number, ::.00}) : {reasons}",
  "explanation.unlike":
    "{verdict, select, mirror {miroir} other {pas un miroir}} (score {score, number, ::.00}) : {reasons} ; {unlike}",
};
