/**
 * How decree asks tldts about the Public Suffix List. Private domains on: github.io or blogspot.com hold names
 * of unrelated owners just as co.uk does. Input is already a canonical host name (lowercase A-labels), so tldts
 * neither extracts nor validates it.
 */
export const pslOptions = {
  allowPrivateDomains: true,
  detectIp: false,
  extractHostname: false,
  mixedInputs: false,
  validateHostname: false,
} as const;
