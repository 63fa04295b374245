/**
 * The mirror evidence in words, in English: what each signal came to (score-mirror.ts) and the explanation
 * that sums them up, as ICU MessageFormat filled from the comparison's values: {original} the blocked name,
 * {candidate} the site compared, {percent} a share from 0 to 100, {count} and {items} what two sites share.
 */
export const mirrorTextsEn = {
  "redirect.match": "redirect from {original}",
  "redirect.miss": "{original} does not redirect to {candidate}",
  "text.match": "same page text ({percent}% of phrases)",
  "text.miss": "page text differs ({percent}% of phrases shared)",
  "template.match": "same page template ({percent}% of its structure)",
  "template.miss": "different page structure ({percent}%)",
  "favicon.match": "same favicon",
  "favicon.miss": "different or no favicon",
  "tracking.match":
    "{count, plural, one {same analytics or ad account id} other {same analytics or ad account ids}} ({items})",
  "tracking.miss": "no same analytics or ad account id",
  "players.match": "{count, plural, one {same video player host} other {same video player hosts}} ({items})",
  "players.miss": "no same video player host",
  "scripts.match": "{count, plural, one {same script host} other {same script hosts}} ({items})",
  "scripts.miss": "no same script host",
  "addresses.match": "{count, plural, one {same address} other {same addresses}} ({items})",
  "addresses.miss": "no same address",
  "nameServers.match": "{count, plural, one {same name server} other {same name servers}} ({items})",
  "nameServers.miss": "no same name server",
  "certificate.same": "same TLS certificate",
  "certificate.names": "TLS certificate also names {original}",
  "certificate.miss": "TLS certificate unrelated or absent",
  "name.similar": "similar name ({candidate} ~ {original})",
  "explanation.none": "no signal matched",
  explanation:
    "{verdict, select, mirror {mirror} other {not a mirror}} (score {score, number, ::.00}): {reasons}",
  "explanation.unlike":
    "{verdict, select, mirror {mirror} other {not a mirror}} (score {score, number, ::.00}): {reasons}; {unlike}",
} as const;

export type MirrorTextKey = keyof typeof mirrorTextsEn;
