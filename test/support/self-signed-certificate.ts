import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface SelfSignedCertificate {
  keyPath: string;
  certPath: string;
  key: Buffer;
  cert: Buffer;
}

/**
 * A P-256 certificate signed by its own key, made with Debian's openssl (the test command installs it): a TLS
 * peer on loopback for tests that must speak real TLS. `altNames` are subjectAltName entries, e.g. DNS:x, IP:y.
 */
export function selfSignedCertificate(options: {
  dir: string;
  name: string;
  subject: string;
  altNames: string[];
  days: number;
}): SelfSignedCertificate {
  const keyPath = join(options.dir, `${options.name}.key`);
  const certPath = join(options.dir, `${options.name}.crt`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      String(options.days),
      "-subj",
      options.subject,
      "-addext",
      `subjectAltName=${options.altNames.join(",")}`,
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { stdio: "ignore" },
  );
  return { keyPath, certPath, key: readFileSync(keyPath), cert: readFileSync(certPath) };
}
