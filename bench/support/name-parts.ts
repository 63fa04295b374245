/** The pieces generated names are made of, shaped like the mirror names of a streaming blocklist. */
export const suffixes = [
  "com",
  "net",
  "org",
  "fr",
  "tv",
  "io",
  "co.uk",
  "com.br",
  "xyz",
  "to",
  "cc",
  "stream",
];
export const words = [
  "allo",
  "stream",
  "film",
  "serie",
  "tv",
  "watch",
  "live",
  "foot",
  "sport",
  "cine",
  "replay",
  "hd",
];
