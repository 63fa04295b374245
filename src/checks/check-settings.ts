import type { CheckSettings } from "./check-data.ts";

/** The checks' part of the service configuration (config keys protectedNamesFile and exemptionsFile). */
export function checkSettings(config: {
  protectedNamesFile?: string | undefined;
  exemptionsFile?: string | undefined;
  checkResolver?: { host: string; port: number } | undefined;
}): CheckSettings {
  return {
    protectedNamesFile: config.protectedNamesFile,
    exemptionsFile: config.exemptionsFile,
    checkResolver: config.checkResolver,
  };
}
