// Throwaway self-signed certificates for tests, made with openssl (CI installs it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * A private CA and a certificate for `host` it signed (what an internal PKI hands out), plus
 * an intermediate-free chain: `leaf.cert` is the server certificate only.
 */
export function privateCa(host: string, days = 30): { ca: Pem; leaf: Pem } {
  const dir = mkdtempSync(path.join(tmpdir(), "rancher-ha-ca-"));
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: "ignore", cwd: dir });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run(
      ["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", String(days)].concat([
        "-subj",
        "/CN=rancher-ha test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
      ]),
    );
    run(["req", ...ec, "-keyout", "tls.key", "-out", "tls.csr", "-subj", `/CN=${host}`]);
    writeFileSync(
      path.join(dir, "ext.cnf"),
      `basicConstraints=CA:FALSE\nsubjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\n`,
    );
    run(
      ["x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key"].concat([
        "-CAcreateserial",
        "-out",
        "tls.crt",
        "-days",
        String(days),
        "-extfile",
        "ext.cnf",
      ]),
    );
    const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
    return {
      ca: { cert: read("ca.crt"), key: read("ca.key") },
      leaf: { cert: read("tls.crt"), key: read("tls.key") },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
