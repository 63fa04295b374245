/**
 * The category codes of the Citizen Lab test lists (their legend of category codes), each with the description
 * the lists carry beside it. A test list row names one of these; nothing else is accepted.
 */
export const citizenLabCategories = {
  ALDR: "Alcohol & Drugs",
  REL: "Religion",
  PORN: "Pornography",
  PROV: "Provocative Attire",
  POLR: "Political Criticism",
  HUMR: "Human Rights Issues",
  ENV: "Environment",
  MILX: "Terrorism and Militants",
  HATE: "Hate Speech",
  NEWS: "News Media",
  XED: "Sex Education",
  PUBH: "Public Health",
  GMB: "Gambling",
  ANON: "Anonymization and circumvention tools",
  DATE: "Online Dating",
  GRP: "Social Networking",
  LGBT: "LGBTQ+",
  FILE: "File-sharing",
  HACK: "Hacking Tools",
  COMT: "Communication Tools",
  MMED: "Media sharing",
  HOST: "Hosting and Blogging Platforms",
  SRCH: "Search Engines",
  GAME: "Gaming",
  CULTR: "Culture",
  ECON: "Economics",
  GOVT: "Government",
  COMM: "E-commerce",
  CTRL: "Control content",
  IGO: "Intergovernmental Organizations",
  MISC: "Miscellaneous content",
} as const;

export type CitizenLabCategory = keyof typeof citizenLabCategories;

export const citizenLabCategoryCodes = Object.keys(citizenLabCategories) as [
  CitizenLabCategory,
  ...CitizenLabCategory[],
];

/**
 * decree's orders say what to block, not what the sites hold, so no category follows from an order's measures
 * or kind. Blocking orders of courts and authorities are overwhelmingly against piracy (streaming, downloads),
 * which the lists file under File-sharing. An order may name its own (`testListCategory`: MMED for streaming),
and a reader another for the whole list (`?category=`).
 */
export const defaultCitizenLabCategory: CitizenLabCategory = "FILE";
