// Input checks at the config boundary: each bad input is one line naming the key, reported once,
// before anything is registered. (The older table of checks is in config.test.ts.)
import * as assert from "node:assert/strict";
import { main } from "../bin/plan";
import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { certificateProblems } from "../components/checks/tls";
import { ConfigError, loadConfig } from "../components/config";
import { mockRuntimeStats } from "../plan/mocks";
import { privateCa, selfSigned } from "./certs";

const CTX = { stack: "t", region: "us-east-1" };
const RAW = {
  "rancher-ha:hostname": "rancher.example.com",
  "rancher-ha:hostedZone": "example.com",
  "rancher-ha:adminCidrs": '["203.0.113.0/24"]',
};

function problemLines(raw: Record<string, string>, ctx = CTX): string[] {
  try {
    loadConfig(raw, ctx);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.key}: ${p.message}`);
  }
}

/** The plan command on the dev stack with overrides: exit code, output, registrations. */
export async function planWith(overrides: string[], args: string[] = []) {
  let out = "";
  let err = "";
  const before = mockRuntimeStats.installs;
  const code = await main(
    ["--stack", "dev", "--json", ...args, ...overrides.flatMap((o) => ["--config", o])],
    {
      out: (t) => (out += t),
      err: (t) => (err += t),
    },
  );
  return { code, out, err, registered: mockRuntimeStats.installs - before };
}

describe("config: each problem once", function () {
  this.timeout(60_000);

  it("an unknown key alone is one problem (loadConfig used to report it twice)", () => {
    assert.deepEqual(problemLines({ ...RAW, "rancher-ha:hostnmae": "x" }), [
      'hostnmae: unknown key; did you mean "hostname"? (known keys are listed in Pulumi.yaml)',
    ]);
  });

  it("an unknown key next to a validation problem: each once", () => {
    const lines = problemLines({
      ...RAW,
      "rancher-ha:hostnmae": "x",
      "rancher-ha:serverCount": "4",
    });
    assert.equal(lines.length, 2, lines.join("\n"));
    assert.equal(new Set(lines).size, 2);
  });

  it("the plan command prints a --config typo once", async () => {
    const r = await planWith(["hostnmae=x"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /invalid configuration \(1 problem\)/);
    assert.equal(r.err.split("rancher-ha:hostnmae: unknown key").length - 1, 1, r.err);
    assert.equal(r.registered, 0);
  });
});

describe("config: the Rancher chart's repository and release", function () {
  this.timeout(60_000);
  const repo = (value?: string) => {
    const raw = value === undefined ? RAW : { ...RAW, "rancher-ha:rancherChartRepository": value };
    return loadConfig(raw, CTX);
  };

  const accepted: [string | undefined, string][] = [
    [undefined, "https://releases.rancher.com/server-charts/latest"],
    ["latest", "https://releases.rancher.com/server-charts/latest"],
    ["stable", "https://releases.rancher.com/server-charts/stable"],
    ["prime", "https://charts.rancher.com/server-charts/prime"],
    ["https://charts.example.com/rancher/", "https://charts.example.com/rancher"],
  ];
  for (const [value, url] of accepted) {
    it(`rancherChartRepository ${value ?? "(unset)"} → ${url}`, () => {
      assert.equal(repo(value).config.rancherChartRepository, url);
    });
  }

  it("warns that stable may not hold the pinned version", () => {
    assert.match(repo("stable").warnings.join("\n"), /stable: it only gets releases promoted/);
    assert.deepEqual(repo("latest").warnings, []);
  });

  const refused: [string, RegExp][] = [
    ["latst", /"latst" is not one of latest, stable, prime or an https:\/\/ URL/],
    ["http://charts.example.com", /is not https/],
    ["https://user:pw@charts.example.com", /must not carry credentials/],
    ["https://charts.example.com/?x=1", /has a query or fragment/],
  ];
  for (const [value, message] of refused) {
    it(`refuses rancherChartRepository ${value}, naming the key`, async () => {
      const r = await planWith([`rancherChartRepository=${value}`]);
      assert.equal(r.code, 1);
      assert.match(r.err, /rancher-ha:rancherChartRepository: /);
      assert.match(r.err, message);
      assert.equal(r.registered, 0);
    });
  }

  it("installs the chart from the configured repository", async () => {
    const r = await planWith(["rancherChartRepository=prime"]);
    assert.equal(r.code, 0, r.err);
    const release = JSON.parse(r.out).resources.find(
      (x: { name: string }) => x.name === "rancher-install-rancher",
    );
    assert.deepEqual(release.inputs.repositoryOpts, {
      repo: "https://charts.rancher.com/server-charts/prime",
    });
  });

  // Releases and caps: rancher/rancher tags and chart/Chart.yaml kubeVersion at each tag.
  const releases: [string, RegExp | undefined][] = [
    ["2.15.0", undefined],
    ["v2.15.0", undefined],
    [
      "2.15.1",
      /2\.15\.1 is not a Rancher release this program knows \(2\.12\.0–2\.12\.12, 2\.13\.0–2\.13\.8, 2\.14\.0–2\.14\.4, 2\.15\.0\)/,
    ],
    ["2.16.0", /2\.16\.0 is not a Rancher release this program knows/],
    ["2.11.3", /2\.11\.3 is not a Rancher release this program knows/],
    ["2.15.1-alpha1", /2\.15\.1-alpha1 is not a Rancher release this program knows/],
  ];
  for (const [version, expected] of releases) {
    it(`rancherVersion ${version}: ${expected ? "refused" : "accepted"}`, () => {
      const lines = problemLines({ ...RAW, "rancher-ha:rancherVersion": version });
      if (!expected) assert.deepEqual(lines, []);
      else {
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0], /^rancherVersion: /);
        assert.match(lines[0], expected);
      }
    });
  }

  it("checks a known older release against its own Kubernetes cap", () => {
    const at = (rancher: string, rke2: string) =>
      problemLines({
        ...RAW,
        "rancher-ha:rancherVersion": rancher,
        "rancher-ha:rke2Version": rke2,
      });
    assert.deepEqual(at("2.13.8", "v1.34.10+rke2r1"), []);
    assert.match(at("2.13.8", "v1.35.7+rke2r1").join(), /above what Rancher 2\.13\.8 supports/);
    assert.deepEqual(at("2.14.4", "v1.35.7+rke2r1"), []);
    assert.match(at("2.12.12", "v1.34.10+rke2r1").join(), /above what Rancher 2\.12\.12/);
  });
});

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

describe("config: admin ranges that open a share of the internet", () => {
  const admin = (cidrs: string[]) =>
    problemLines({ ...RAW, "rancher-ha:adminCidrs": JSON.stringify(cidrs) }).filter((l) =>
      l.startsWith("adminCidrs:"),
    );
  const cases: [string[], RegExp | undefined][] = [
    [["203.0.113.0/24"], undefined],
    [["11.0.0.0/8"], undefined],
    [["11.0.0.0/8", "11.0.0.0/9"], undefined], // overlaps count once
    [["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"], undefined], // not internet
    [["2001:db8::/32", "fd00::/8"], undefined],
    [
      ["0.0.0.0/1", "128.0.0.0/1"],
      /2,147,483,648 public IPv4 addresses|public IPv4 addresses, more than a \/8/,
    ],
    [
      ["11.0.0.0/8", "12.0.0.0/8"],
      /together open SSH \(22\) and the Kubernetes API \(6443\) to 33,554,432 public IPv4 addresses, more than a \/8 \(16,777,216\): that is a share of the internet/,
    ],
    [["8.0.0.0/7"], /33,554,432 public IPv4 addresses/],
    [["::/1", "8000::/1"], /more public IPv6 space than a \/32/],
    [["2001::/16"], /more public IPv6 space than a \/32/],
    [["0.0.0.0/0"], /0\.0\.0\.0\/0 opens SSH and the Kubernetes API to the whole internet/],
  ];
  for (const [cidrs, expected] of cases) {
    it(`${expected ? "refuses" : "accepts"} ${cidrs.join(" + ")}`, () => {
      const lines = admin(cidrs);
      if (!expected) assert.deepEqual(lines, []);
      else {
        assert.equal(lines.length, 1, `one problem: ${lines.join("\n")}`);
        assert.match(lines[0], expected);
      }
    });
  }
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
