/**
 * The category codes of the Citizen Lab test lists, each with the description the lists carry beside it, exactly
 * as their legend has them (citizenlab/test-lists, lists/00-LEGEND-new_category_codes.csv): the lists' lint
 * refuses a code outside the legend and a description other than the legend's. A row names one of these.
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
  LGBT: "LGBT",
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

export function isCitizenLabCategory(code: string): code is CitizenLabCategory {
  return Object.hasOwn(citizenLabCategories, code);
}
