import type { CheckSettings } from "./check-data.ts";

/** The checks' part of the service configuration (config keys protectedNamesFile, exemptionsFile, checkResolver, asnDataFolder, coHostingReviewSites, coHostingBlockSites). */
export function checkSettings(config: {
  protectedNamesFile?: string | undefined;
  exemptionsFile?: string | undefined;
  checkResolver?: { host: string; port: number } | undefined;
  asnDataFolder?: string | undefined;
  coHostingReviewSites?: number | undefined;
  coHostingBlockSites?: number | undefined;
}): CheckSettings {
  return {
    protectedNamesFile: config.protectedNamesFile,
    exemptionsFile: config.exemptionsFile,
    checkResolver: config.checkResolver,
    asnDataFolder: config.asnDataFolder,
    coHostingReviewSites: config.coHostingReviewSites,
    coHostingBlockSites: config.coHostingBlockSites,
  };
}
