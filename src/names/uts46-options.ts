import type { Tr46Options } from "tr46";

/**
 * UTS #46 processing as registries and browsers apply it: non-transitional, so that ß and ς keep their own
 * A-labels (UTS #46 §4, IDNA2008), with every check on (§4.1: hyphens, joiners per RFC 5892 Appendix A, the
 * Bidi rule of RFC 5893, STD3 LDH rules) and DNS lengths verified (RFC 1035 §2.3.4).
 */
export const uts46Options: Tr46Options = {
  checkBidi: true,
  checkHyphens: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  verifyDNSLength: true,
  transitionalProcessing: false,
};
