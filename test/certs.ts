// Throwaway self-signed certificates for tests, made with openssl (CI installs it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface Pem {
  cert: string;
  key: string;
}

/** A P-256 certificate and key for `host` (CN and subjectAltName), valid for `days`. */
export function selfSigned(host: string, days = 30): Pem {
  const dir = mkdtempSync(path.join(tmpdir(), "rancher-ha-cert-"));
  try {
    const key = path.join(dir, "tls.key");
    const cert = path.join(dir, "tls.crt");
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
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        String(days),
        "-subj",
        `/CN=${host}`,
        "-addext",
        `subjectAltName=DNS:${host}`,
      ],
      { stdio: "ignore" },
    );
    return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
