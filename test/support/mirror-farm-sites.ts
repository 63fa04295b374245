/**
 * The pages of the mirror farm (mirror-farm.ts), generated from a seed: blocked streaming sites, their mirrors
 * with varied changes, and lawful look-alikes, each labelled. Pure: no network, so that the bench and the tests
 * share one labelled set.
 */

export type SiteLabel = "original" | "mirror" | "lookalike" | "hidden";
export type SiteKind =
  | "original"
  | "copy"
  | "new-skin"
  | "shuffled"
  | "new-ads"
  | "drifted"
  | "redirect"
  | "redirect-target"
  | "cinema"
  | "news"
  | "parked"
  | "cms-template"
  | "other-pirate";

export interface FarmSite {
  name: string;
  label: SiteLabel;
  kind: SiteKind;
  /** The blocked site it copies or resembles. */
  brand: string;
  /** The loopback address it is hosted on. */
  address: string;
  nameServers: string[];
  mx: string[];
  html: string;
  favicon: Buffer;
  /** An HTTP redirect (301) to another farm name, or a meta refresh. */
  redirect?: { to: string; how: "http" | "meta" };
  /** Served over HTTPS with this brand's certificate. */
  tlsGroup?: string;
}

export interface LabelledPair {
  original: string;
  candidate: string;
  mirror: boolean;
  kind: SiteKind;
}

export interface FarmPlan {
  sites: FarmSite[];
  originals: string[];
  pairs: LabelledPair[];
  /** Names discovery should find for each original (generated-name mirrors) and must not propose. */
  discoverable: Record<string, { mirrors: string[]; lookalikes: string[] }>;
}

type Random = () => number;

function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
function shuffle<T>(random: Random, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const vocabulary = (
  "le la les un une des dans sur avec sans pour par vers chez entre sous nuit jour ville mer montagne forêt " +
  "secret mémoire dernier premier ombre lumière voyage retour guerre paix amour famille frère sœur père mère " +
  "enfant ami ennemi roi reine soldat espion détective pilote docteur juge avocat chanteur danseur peintre " +
  "découvre affronte cherche quitte retrouve protège trahit sauve perd gagne fuit rejoint traverse rencontre " +
  "mystérieux ancien jeune sombre brillant fragile courageux perdu oublié interdit sauvage immense silencieux " +
  "village port désert île château usine lycée hôpital prison train navire avion route frontière capitale " +
  "tempête incendie hiver été automne printemps minuit aube destin vengeance trésor complot mission rêve"
).split(" ");

function sentence(random: Random, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(random, vocabulary));
  const text = out.join(" ");
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

function paragraph(random: Random, sentences: number): string {
  return Array.from({ length: sentences }, () => sentence(random, 8 + Math.floor(random() * 8))).join(" ");
}

interface Film {
  title: string;
  year: number;
  genre: string;
  synopsis: string;
}

const genres = [
  "Action",
  "Drame",
  "Comédie",
  "Thriller",
  "Science-fiction",
  "Animation",
  "Horreur",
  "Aventure",
];

function catalogue(random: Random, count: number): Film[] {
  const films: Film[] = [];
  const seen = new Set<string>();
  while (films.length < count) {
    const title = `${pick(random, ["Le", "La", "Les", "L'"])} ${pick(random, vocabulary)} ${pick(random, vocabulary)}`;
    if (seen.has(title)) continue;
    seen.add(title);
    films.push({
      title: title.replace("L' ", "L'"),
      year: 2009 + Math.floor(random() * 5),
      genre: pick(random, genres),
      synopsis: paragraph(random, 3),
    });
  }
  return films;
}

interface PirateContent {
  brand: string;
  tagline: string;
  about: string;
  nav: string[];
  sections: Array<{ heading: string; films: Film[] }>;
  playerHost: string;
  adHost: string;
  adZone: string;
  analyticsId: string;
  faviconPath: string;
}

type Theme = "stream" | "dark" | "neon" | "minimal";

/** A streaming site's page in one of four templates: the same content can wear any of them (a new skin). */
function pirateHtml(content: PirateContent, theme: Theme): string {
  const cards = (films: Film[]) =>
    films
      .map((film) => {
        const watch = `Regarder ${film.title} en streaming VF HD gratuit`;
        const slug = encodeURIComponent(film.title.toLowerCase());
        switch (theme) {
          case "stream":
            return `<article class="item"><div class="poster"><img src="/img/${slug}.jpg" alt=""></div><div class="data"><h3><a href="/film/${slug}">${film.title}</a></h3><span>${film.year} · ${film.genre}</span><p>${film.synopsis}</p><p class="cta">${watch}</p></div></article>`;
          case "dark":
            return `<li class="movie"><a href="/watch/${slug}"><figure><img src="/p/${slug}.webp"><figcaption>${film.title}</figcaption></figure></a><small>${film.year}</small><small>${film.genre}</small><div class="desc">${film.synopsis}</div><em>${watch}</em></li>`;
          case "neon":
            return `<div class="card neon"><div class="card-body"><div class="card-title"><a href="/v/${slug}">${film.title}</a></div><div class="meta"><b>${film.year}</b> <i>${film.genre}</i></div><div class="card-text"><span>${film.synopsis}</span></div><div class="btn-row"><button>${watch}</button></div></div></div>`;
          default:
            return `<tr><td><a href="/f/${slug}">${film.title}</a></td><td>${film.year}</td><td>${film.genre}</td><td>${film.synopsis} ${watch}</td></tr>`;
        }
      })
      .join("");
  const section = (s: { heading: string; films: Film[] }) => {
    switch (theme) {
      case "stream":
        return `<section class="module"><header><h2>${s.heading}</h2></header><div class="items">${cards(s.films)}</div></section>`;
      case "dark":
        return `<div class="block"><h2 class="title">${s.heading}</h2><ul class="grid">${cards(s.films)}</ul></div>`;
      case "neon":
        return `<div class="row"><div class="col-12"><h4>${s.heading}</h4></div><div class="col-12 cards">${cards(s.films)}</div></div>`;
      default:
        return `<h2>${s.heading}</h2><table><tbody>${cards(s.films)}</tbody></table>`;
    }
  };
  const head =
    `<head><meta charset="utf-8"><title>${content.brand} - ${content.tagline}</title>` +
    `<link rel="icon" href="${content.faviconPath}"><link rel="stylesheet" href="/assets/${theme}.css">` +
    `<script async src="https://www.googletagmanager.com/gtag/js?id=${content.analyticsId}"></script>` +
    `<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','${content.analyticsId}');</script>` +
    `<script src="https://${content.adHost}/tag.min.js?zoneid=${content.adZone}"></script></head>`;
  const nav = content.nav
    .map((item) => `<li><a href="/${encodeURIComponent(item)}">${item}</a></li>`)
    .join("");
  const player = `<iframe src="https://${content.playerHost}/embed/${content.adZone}" allowfullscreen></iframe>`;
  const body = content.sections.map(section).join("");
  switch (theme) {
    case "stream":
      return `<!doctype html><html lang="fr">${head}<body><div id="wrapper"><header id="header"><div class="logo"><a href="/">${content.brand}</a></div><nav><ul class="menu">${nav}</ul></nav></header><div id="contenedor"><div class="featured">${player}</div>${body}</div><footer><p>${content.about}</p></footer></div></body></html>`;
    case "dark":
      return `<!doctype html><html>${head}<body class="dark"><nav class="top"><span class="brand">${content.brand}</span><ul>${nav}</ul></nav><main><div class="hero">${player}</div>${body}</main><div class="foot">${content.about}</div></body></html>`;
    case "neon":
      return `<!doctype html><html>${head}<body><div class="container-fluid"><div class="navbar"><div class="navbar-brand">${content.brand}</div><div class="navbar-nav"><ul>${nav}</ul></div></div><div class="container"><div class="player-box"><div class="ratio">${player}</div></div>${body}</div><div class="footer"><div class="container"><p>${content.about}</p></div></div></div></body></html>`;
    default:
      return `<!doctype html><html>${head}<body><h1>${content.brand}</h1><ul>${nav}</ul>${player}${body}<p>${content.about}</p></body></html>`;
  }
}

function cinemaHtml(random: Random, name: string, films: Film[]): string {
  const shows = films
    .map(
      (film) =>
        `<div class="seance"><h3>${film.title}</h3><p class="genre">${film.genre}, ${film.year}</p><ul class="horaires">${["14h00", "16h30", "20h45"].map((h) => `<li>${h}</li>`).join("")}</ul><p>${sentence(random, 12)}</p><iframe src="https://www.youtube.com/embed/${Math.floor(random() * 1e9)}"></iframe></div>`,
    )
    .join("");
  const id = `G-${Math.floor(random() * 1e9)
    .toString(36)
    .toUpperCase()
    .padStart(8, "0")}`;
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${name} — programme et séances</title><link rel="icon" href="/favicon.ico"><script async src="https://www.googletagmanager.com/gtag/js?id=${id}"></script></head><body><header class="site-header"><h1>Cinéma ${name}</h1><p>${paragraph(random, 2)}</p></header><main class="programme"><h2>À l'affiche cette semaine</h2>${shows}</main><aside><h2>Tarifs</h2><p>${paragraph(random, 3)}</p></aside><footer><address>${paragraph(random, 1)}</address></footer></body></html>`;
}

function newsHtml(random: Random, name: string, films: Film[]): string {
  const articles = films
    .map(
      (film) =>
        `<article class="post"><h2 class="entry-title">${film.title} : notre critique</h2><div class="entry-meta">${film.genre} · sorti en ${film.year}</div><div class="entry-content"><p>${film.synopsis}</p><p>${paragraph(random, 3)}</p></div></article>`,
    )
    .join("");
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${name} | actualité du cinéma</title><link rel="icon" href="/favicon.ico"><script>_paq.push(['setSiteId', '${1 + Math.floor(random() * 900)}']);</script></head><body><div class="site"><header><div class="site-title">${name}</div><nav><a href="/critiques">Critiques</a><a href="/sorties">Sorties</a><a href="/festivals">Festivals</a></nav></header><div class="content">${articles}</div><footer><p>${paragraph(random, 2)}</p></footer></div></body></html>`;
}

function parkedHtml(random: Random, name: string): string {
  const id = `ca-pub-${Math.floor(1e15 + random() * 8e15)}`;
  return `<!doctype html><html><head><title>${name} - this domain may be for sale</title><script src="https://parking.sedo-like.example/ads.js?pub=${Math.floor(random() * 1e6)}"></script></head><body><div class="parked"><h1>${name}</h1><p>This domain may be for sale. Related searches:</p><ul><li><a href="/search?q=streaming">Streaming</a></li><li><a href="/search?q=films">Films</a></li><li><a href="/search?q=series">Séries</a></li></ul><ins class="adsbygoogle" data-ad-client="${id}"></ins></div></body></html>`;
}

function icon(random: Random): Buffer {
  return Buffer.from(Array.from({ length: 96 }, () => Math.floor(random() * 256)));
}

interface Brand {
  name: string;
  label: string;
  theme: Theme;
  content: PirateContent;
  favicon: Buffer;
  address: string;
  ns: string;
}

const brandNames = ["allostreaming.com", "dpstream.tv", "fifostream.com", "alloshowtv.com"];
const mirrorsPerBrand = 26;
const lookalikesPerBrand = 26;

/** The farm's plan for `seed`: 4 blocked sites, 26 mirrors and 26 look-alikes each (208 labelled pages). */
export function planMirrorFarm(seed = 2013): FarmPlan {
  const random = mulberry32(seed);
  const films = catalogue(random, 160);
  const brands: Brand[] = brandNames.map((name, index) => {
    const label = name.split(".")[0]!;
    const brandFilms = shuffle(random, films).slice(0, 36);
    const content: PirateContent = {
      brand: label.charAt(0).toUpperCase() + label.slice(1),
      tagline: "Films et séries en streaming gratuit",
      about: paragraph(random, 4),
      nav: ["Accueil", "Films", "Séries", "Nouveautés", "Top", "Contact"],
      sections: [
        { heading: "Nouveautés", films: brandFilms.slice(0, 12) },
        { heading: "Films populaires", films: brandFilms.slice(12, 24) },
        { heading: "Séries du moment", films: brandFilms.slice(24, 36) },
      ],
      // Two blocked sites share a player host and a template: neither is the other's mirror.
      playerHost: index < 2 ? "player.uqvid.example" : "embed.vidfast.example",
      adHost: pick(random, ["ads.popcash.example", "cdn.adsterra.example", "s.exoclick.example"]),
      adZone: String(100000 + Math.floor(random() * 900000)),
      analyticsId: `UA-${10000000 + Math.floor(random() * 8e7)}-1`,
      faviconPath: "/favicon.ico",
    };
    return {
      name,
      label,
      theme: index < 2 ? "stream" : "dark",
      content,
      favicon: icon(random),
      address: `127.0.1.${index + 1}`,
      ns: `ns1.bulletproof-${index}.example`,
    };
  });
  const sites: FarmSite[] = [];
  const pairs: LabelledPair[] = [];
  const discoverable: FarmPlan["discoverable"] = {};
  const taken = new Set<string>(brands.map((b) => b.name));
  const claim = (name: string) => {
    if (taken.has(name)) return false;
    taken.add(name);
    return true;
  };
  for (const brand of brands) {
    discoverable[brand.name] = { mirrors: [], lookalikes: [] };
    sites.push({
      name: brand.name,
      label: "original",
      kind: "original",
      brand: brand.name,
      address: brand.address,
      nameServers: [brand.ns],
      mx: [`mx.${brand.ns.slice(4)}`],
      html: pirateHtml(brand.content, brand.theme),
      favicon: brand.favicon,
      tlsGroup: brand.label,
    });
  }
  for (const brand of brands) {
    const generated = generatedNames(brand.label, brand.name);
    const others = brands.filter((b) => b !== brand);
    for (let i = 0; i < mirrorsPerBrand; i++) {
      // The first names are ones discovery generates; the rest names discovery could never guess.
      let name = generated[i] ?? "";
      if (!(i < 10 && claim(name))) {
        do
          name = `${pick(random, ["films", "streaming", "voir", "regarder", "cine"])}-${pick(random, ["gratuit", "vf", "hd", "club", "zone"])}${Math.floor(random() * 1000)}.${pick(random, ["xyz", "site", "online", "live"])}`;
        while (!claim(name));
      } else discoverable[brand.name]!.mirrors.push(name);
      const kind = (["copy", "new-skin", "shuffled", "new-ads", "drifted", "redirect"] as const)[i % 6]!;
      sites.push(...mirrorOf(random, brand, films, name, kind, i, claim));
      pairs.push({ original: brand.name, candidate: name, mirror: true, kind });
    }
    for (let i = 0; i < lookalikesPerBrand; i++) {
      const kind = (["cinema", "news", "parked", "cms-template", "other-pirate"] as const)[i % 5]!;
      let name: string;
      if (kind === "parked" || (kind === "cinema" && i < 5)) {
        // Look-alike names discovery will find and must not propose: parked typos, a cinema under another TLD.
        name = generated.find((candidate) => claim(candidate)) ?? `parked-${i}.com`;
        discoverable[brand.name]!.lookalikes.push(name);
      } else {
        do
          name = `${pick(random, ["cine", "film", "salle", "revue", "club"])}${pick(random, ["-lumiere", "-actu", "-rex", "-club", "-culture"])}-${Math.floor(random() * 1000)}.${pick(random, ["fr", "com", "org", "net"])}`;
        while (!claim(name));
      }
      sites.push(lookalike(random, brand, name, kind, others));
      pairs.push({ original: brand.name, candidate: name, mirror: false, kind });
    }
  }
  return { sites, originals: brands.map((b) => b.name), pairs, discoverable };
}

/** Names the discovery will generate for a label: tld changes, digits, hyphens, suffixes, a typo. */
function generatedNames(label: string, blocked: string): string[] {
  const tld = blocked.split(".").slice(1).join(".");
  return [
    `${label}.net`,
    `${label}2.${tld}`,
    `${label.slice(0, 4)}-${label.slice(4)}.${tld}`,
    `new-${label}.com`,
    `${label}-hd.com`,
    `${label.slice(0, -2)}${label.at(-1)}${label.at(-2)}.${tld}`,
    `${label}.to`,
    `${label}24.net`,
    `${label}vf.cc`,
    `${label}.xyz`,
    `${label}.org`,
    `${label}s.com`,
    `${label}.info`,
    `${label}.fr`,
    `${label}-1.com`,
    `${label}.site`,
    `${label}.live`,
    `${label}.me`,
  ];
}

function mirrorOf(
  random: Random,
  brand: Brand,
  films: Film[],
  name: string,
  kind: SiteKind,
  index: number,
  claim: (name: string) => boolean,
): FarmSite[] {
  const content: PirateContent = structuredClone(brand.content);
  let theme = brand.theme;
  let favicon = brand.favicon;
  // Every mirror also drifts a little: new releases in, old ones out, a renamed brand now and then.
  const drift = kind === "drifted" ? 0.35 + random() * 0.25 : random() * 0.15;
  if (kind === "drifted" || random() < 0.3) content.about = paragraph(random, 4);
  if (kind === "new-skin") content.nav = ["Home", "Movies", "TV", "Latest", "Trending", "DMCA"];
  content.sections = content.sections.map((section) => ({
    heading: section.heading,
    films: section.films.map((film) => (random() < drift ? pick(random, films) : film)),
  }));
  if (random() < 0.4) content.brand = `${content.brand} ${pick(random, ["HD", "VF", "2", "Officiel"])}`;
  if (kind === "new-skin" || random() < 0.2) theme = pick(random, ["neon", "minimal"] as const);
  if (kind === "shuffled") {
    content.sections = shuffle(random, content.sections).map((s) => ({
      ...s,
      films: shuffle(random, s.films),
    }));
  }
  if (kind === "new-ads") {
    content.adZone = String(100000 + Math.floor(random() * 900000));
    content.adHost = "cdn.newads.example";
    content.analyticsId = `G-${Math.floor(random() * 1e10)
      .toString(36)
      .toUpperCase()}`;
    favicon = icon(random);
  } else if (random() < 0.3) {
    favicon = icon(random);
  }
  const site: FarmSite = {
    name,
    label: "mirror",
    kind,
    brand: brand.name,
    address: random() < 0.5 ? brand.address : `127.0.1.${10 + Math.floor(random() * 20)}`,
    nameServers: random() < 0.6 ? [brand.ns] : [`ns1.hoster-${index}.example`],
    mx: [],
    html: pirateHtml(content, theme),
    favicon,
    ...(index % 3 === 0 ? { tlsGroup: brand.label } : {}),
  };
  if (kind !== "redirect") return [site];
  // Behind a redirect: the labelled name only redirects; the copy lives at a name nobody was told.
  let hidden: string;
  do hidden = `${brand.label}-${Math.floor(random() * 1e6)}.live`;
  while (!claim(hidden));
  return [
    {
      ...site,
      html: "<!doctype html><html><body>Moved</body></html>",
      redirect: { to: hidden, how: Math.floor(index / 6) % 2 === 0 ? "http" : "meta" },
    },
    { ...site, name: hidden, label: "hidden", kind: "redirect-target" },
  ];
}

function lookalike(random: Random, brand: Brand, name: string, kind: SiteKind, others: Brand[]): FarmSite {
  const brandFilms = brand.content.sections.flatMap((s) => s.films);
  const base = {
    name,
    label: "lookalike" as const,
    kind,
    brand: brand.name,
    address: `127.0.2.${1 + Math.floor(random() * 20)}`,
    nameServers: [`ns1.registrar-${Math.floor(random() * 5)}.example`],
    mx: [],
    favicon: icon(random),
  };
  switch (kind) {
    case "cinema":
      return {
        ...base,
        html: cinemaHtml(random, name, shuffle(random, brandFilms).slice(0, 8 + Math.floor(random() * 8))),
      };
    case "news":
      return {
        ...base,
        html: newsHtml(random, name, shuffle(random, brandFilms).slice(0, 6 + Math.floor(random() * 8))),
      };
    case "parked":
      return {
        ...base,
        address: "127.0.3.1",
        nameServers: ["ns1.parking.example"],
        html: parkedHtml(random, name),
      };
    case "cms-template": {
      // A lawful film club on the same commercial theme, with the same (widely used) player host.
      const content: PirateContent = {
        ...structuredClone(brand.content),
        brand: `Ciné-club ${name.split(".")[0]}`,
        tagline: "Nos projections et nos films libres de droits",
        about: paragraph(random, 4),
        sections: [
          { heading: "Prochaines projections", films: catalogue(random, 12) },
          { heading: "Films du domaine public", films: catalogue(random, 12) },
          { heading: "Courts métrages", films: catalogue(random, 8) },
        ],
        adHost: "stats.filmclub.example",
        adZone: String(Math.floor(random() * 1e6)),
        analyticsId: `UA-${10000000 + Math.floor(random() * 8e7)}-2`,
      };
      return { ...base, html: pirateHtml(content, brand.theme) };
    }
    default: {
      // Another blocked site, with its own films: sometimes the same template and player host.
      const other = pick(random, others);
      return {
        ...base,
        address: other.address,
        nameServers: [other.ns],
        favicon: other.favicon,
        html: pirateHtml(other.content, other.theme),
      };
    }
  }
}
