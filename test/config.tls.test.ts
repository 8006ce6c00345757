// TLS at the config boundary: Let's Encrypt needs port 80 open to the internet, and a supplied
// certificate must be one Rancher's agents can verify (a public CA, or tlsCaCertificate).
import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { certificateProblems } from "../components/config/validators/certificate";
import { checkTls } from "../components/config/validators/tls";
import { privateCa, selfSigned } from "./certs";
import { planWith, problemLines, RAW, validatorTable } from "./config-helpers";

describe("config: Let's Encrypt needs port 80 open to the internet", () => {
  const le = {
    ...RAW,
    "rancher-ha:tlsSource": "letsEncrypt",
    "rancher-ha:letsEncryptEmail": "ops@example.com",
  };
  const cases: [string, string[], boolean][] = [
    ["the default (0.0.0.0/0)", ["0.0.0.0/0"], true],
    ["0.0.0.0/0 among others", ["198.51.100.0/24", "0.0.0.0/0"], true],
    ["both halves of IPv4", ["0.0.0.0/1", "128.0.0.0/1"], true],
    ["an office range", ["198.51.100.0/24"], false],
    ["IPv6 only", ["::/0"], false],
    ["nearly everything", ["0.0.0.0/1", "128.0.0.0/2"], false],
  ];
  for (const [what, ingress, ok] of cases) {
    it(`${ok ? "accepts" : "refuses"} letsEncrypt with ingressCidrs ${what}`, () => {
      const lines = problemLines({ ...le, "rancher-ha:ingressCidrs": JSON.stringify(ingress) });
      if (ok) assert.deepEqual(lines, []);
      else {
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(
          lines[0],
          /^tlsSource: letsEncrypt validates over HTTP on port 80 from addresses Let's Encrypt does not publish, and rancher-ha:ingressCidrs does not open 80 to 0\.0\.0\.0\/0.*add "0\.0\.0\.0\/0" to ingressCidrs/,
        );
      }
    });
  }

  it("other TLS sources do not need port 80 open", () => {
    for (const source of ["rancher", "secret"]) {
      const lines = problemLines({
        ...RAW,
        "rancher-ha:tlsSource": source,
        "rancher-ha:ingressCidrs": '["198.51.100.0/24"]',
      });
      assert.ok(!lines.some((l) => l.startsWith("tlsSource:")), lines.join("\n"));
    }
  });
});

describe("config: a certificate Rancher's agents can verify (tlsSource secret)", function () {
  this.timeout(60_000);
  const host = "rancher.example.com";
  const pki = privateCa(host);
  const other = privateCa(host);
  const self = selfSigned(host);
  const secret = (cert: string, key: string, ca?: string) => ({
    ...RAW,
    "rancher-ha:tlsSource": "secret",
    "rancher-ha:tlsCertificate": cert,
    "rancher-ha:tlsPrivateKey": key,
    ...(ca !== undefined ? { "rancher-ha:tlsCaCertificate": ca } : {}),
  });

  const cases: [string, Record<string, string>, RegExp | undefined][] = [
    [
      "a private CA's certificate with that CA",
      secret(pki.leaf.cert, pki.leaf.key, pki.ca.cert),
      undefined,
    ],
    ["a self-signed certificate as its own CA", secret(self.cert, self.key, self.cert), undefined],
    [
      "a private CA's certificate without tlsCaCertificate",
      secret(pki.leaf.cert, pki.leaf.key),
      /^tlsCertificate: is not signed by a CA that Rancher agents trust by default \(the chain ends at one issued by "CN=rancher-ha test CA".*set rancher-ha:tlsCaCertificate to the PEM of the CA that signed it/,
    ],
    [
      "a self-signed certificate without tlsCaCertificate",
      secret(self.cert, self.key),
      /^tlsCertificate: is not signed by a CA that Rancher agents trust by default/,
    ],
    [
      "another CA than the one that signed it",
      secret(pki.leaf.cert, pki.leaf.key, other.ca.cert),
      /^tlsCaCertificate: did not issue tlsCertificate \(its chain ends at a certificate issued by "CN=rancher-ha test CA"\); give that CA/,
    ],
    [
      "a tlsCaCertificate that is not a CA",
      secret(pki.leaf.cert, pki.leaf.key, pki.leaf.cert),
      /^tlsCaCertificate: certificate 1 is not a CA certificate/,
    ],
    [
      "a tlsCaCertificate that is not PEM",
      secret(pki.leaf.cert, pki.leaf.key, "nope"),
      /^tlsCaCertificate: is not a PEM certificate/,
    ],
    [
      "a chain in the wrong order",
      secret(pki.ca.cert + pki.leaf.cert, pki.leaf.key, pki.ca.cert),
      /^tlsPrivateKey: does not match|^tlsCertificate: certificate 1 of the chain was not issued by certificate 2/,
    ],
  ];
  for (const [what, raw, expected] of cases) {
    it(`${expected ? "refuses" : "accepts"} ${what}`, () => {
      const lines = problemLines(raw);
      if (!expected) assert.deepEqual(lines, []);
      else {
        assert.ok(lines.length >= 1, "a problem");
        assert.match(lines.join("\n"), new RegExp(expected.source, "m"));
      }
    });
  }

  it("tlsCaCertificate only with tlsSource secret", () => {
    assert.match(
      problemLines({ ...RAW, "rancher-ha:tlsCaCertificate": pki.ca.cert }).join(),
      /tlsCaCertificate: only applies with tlsSource secret; remove it/,
    );
    assert.match(
      problemLines({
        ...RAW,
        "rancher-ha:loadBalancer": "l7",
        "rancher-ha:tlsCaCertificate": pki.ca.cert,
      }).join(),
      /tlsCaCertificate: does not apply to l7/,
    );
  });

  it("accepts a chain that ends in a trusted root, from Node's root store by default", () => {
    const root = new X509Certificate(pki.ca.cert);
    const args = { certificate: pki.leaf.cert, privateKey: pki.leaf.key, hostname: host };
    assert.deepEqual(certificateProblems(args, [root]), [], "trusted when its CA is a root");
    assert.equal(certificateProblems(args).length, 1, "not trusted by the real store");
    // A real root from the store stands in for a public chain (no public CA signs test keys):
    // the trust check passes on it, the key check fails — so the default store is the real one.
    const publicRoot = rootCertificates[0];
    const problems = certificateProblems({ ...args, certificate: publicRoot }).map((p) => p[1]);
    assert.ok(!problems.some((m) => /not signed by a CA/.test(m)), problems.join("\n"));
  });

  it("plans the tls-ca secret, and Rancher with privateCA and strict agents, for a private CA", async () => {
    const dev = privateCa("rancher-dev.example.com");
    const r = await planWith(
      [
        "tlsSource=secret",
        `tlsCertificate=${dev.leaf.cert}`,
        `tlsPrivateKey=${dev.leaf.key}`,
        `tlsCaCertificate=${dev.ca.cert}`,
      ],
      ["--show-secrets"],
    );
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { resources: Record<string, any>[] };
    const byName = (n: string) => doc.resources.find((x) => x.name === n)!;
    const ca = byName("rancher-install-tls-ca");
    assert.equal(ca.type, "kubernetes:core/v1:Secret");
    assert.deepEqual(ca.inputs.metadata, { name: "tls-ca", namespace: "cattle-system" });
    assert.deepEqual(ca.inputs.stringData, { "cacerts.pem": dev.ca.cert });
    const rancher = byName("rancher-install-rancher");
    assert.ok(rancher.dependsOn.includes(ca.urn), "Rancher starts with its CA in place");
    assert.equal(rancher.inputs.values.privateCA, true);
    assert.equal(rancher.inputs.values.agentTLSMode, "strict");
    assert.equal(rancher.inputs.values.ingress.tls.source, "secret");
  });
});

describe("config validator: TLS keys per mode and source", () => {
  const L7 = "does not apply to l7 (the ALB terminates TLS); remove it";
  const ONLY_SECRET = "only applies with tlsSource secret; remove it";
  const STAGING =
    "warning: rancher-ha:letsEncryptEnvironment is staging: browsers and Rancher agents do not trust staging certificates; use it only to test issuance";
  const le = (more: object = {}) => ({
    tlsSource: "letsEncrypt" as const,
    letsEncryptEmail: "ops@example.com",
    ...more,
  });
  validatorTable(checkTls, [
    ["rancher's own CA by default", {}, []],
    ["Let's Encrypt with an email", le(), []],
    ["Let's Encrypt staging", le({ letsEncryptEnvironment: "staging" }), [STAGING]],
    [
      "staging alone (no Let's Encrypt, nothing to warn about)",
      { letsEncryptEnvironment: "staging" },
      [],
    ],
    ["l7 with none of these keys", { loadBalancer: "l7" }, []],
    [
      "any TLS key in l7",
      {
        loadBalancer: "l7",
        tlsSource: "secret",
        letsEncryptEmail: "ops@example.com",
        tlsCertificate: "x",
        tlsPrivateKey: "y",
        tlsCaCertificate: "z",
      },
      [
        "tlsSource: does not apply to l7: the ALB terminates TLS with an ACM certificate; remove it",
        `letsEncryptEmail: ${L7}`,
        `tlsCertificate: ${L7}`,
        `tlsPrivateKey: ${L7}`,
        `tlsCaCertificate: ${L7}`,
      ],
    ],
    [
      "a source that does not exist",
      { tlsSource: "acm" as never },
      [`tlsSource: "acm" is not rancher, letsEncrypt or secret`],
    ],
    [
      "Let's Encrypt without an email",
      { tlsSource: "letsEncrypt" },
      ["letsEncryptEmail: required with tlsSource letsEncrypt"],
    ],
    [
      "an email without Let's Encrypt",
      { letsEncryptEmail: "ops@example.com" },
      ["letsEncryptEmail: only applies with tlsSource letsEncrypt; remove it"],
    ],
    // One definition of an email address (components/names.ts), the one Rancher's values use.
    [
      "an email without a domain dot",
      le({ letsEncryptEmail: "ops@localhost" }),
      [`letsEncryptEmail: "ops@localhost" is not an email address`],
    ],
    [
      "an email without an @",
      le({ letsEncryptEmail: "ops.example.com" }),
      [`letsEncryptEmail: "ops.example.com" is not an email address`],
    ],
    [
      "an email with a space",
      le({ letsEncryptEmail: "o ps@example.com" }),
      [`letsEncryptEmail: "o ps@example.com" is not an email address`],
    ],
    [
      "an email with a bad domain label",
      le({ letsEncryptEmail: "ops@-example.com" }),
      [`letsEncryptEmail: "ops@-example.com" is not an email address`],
    ],
    [
      "an environment that does not exist",
      le({ letsEncryptEnvironment: "prod" as never }),
      [`letsEncryptEnvironment: "prod" is not production or staging`],
    ],
    [
      "a secret without certificate and key",
      { tlsSource: "secret" },
      [
        "tlsCertificate: required with tlsSource secret (PEM certificate)",
        "tlsPrivateKey: required with tlsSource secret (set it with --secret)",
      ],
    ],
    [
      "certificate keys with another source",
      { tlsCertificate: "x", tlsPrivateKey: "y", tlsCaCertificate: "z" },
      [
        `tlsCertificate: ${ONLY_SECRET}`,
        `tlsPrivateKey: ${ONLY_SECRET}`,
        `tlsCaCertificate: ${ONLY_SECRET}`,
      ],
    ],
  ]);
});
