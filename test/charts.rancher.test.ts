// The real Rancher and cert-manager charts (vendored, test/fixtures/upstream), rendered by a real
// helm v4 with exactly the values the fixture stacks' plans give their Helm releases, against the
// Kubernetes version of the pinned RKE2 release: what a working install needs is checked on what
// the charts actually produce, not on our own idea of them.
import * as assert from "node:assert/strict";
import {
  findKind,
  oneKind,
  PlanCharts,
  renderCertManager,
  renderPlanCharts,
  renderRancher,
} from "./charts";
import {
  assertAgentTlsMode,
  assertBootstrapSecret,
  assertCertManagerWhereNeeded,
  assertPrivateCa,
  assertRancherRoute,
  assertRancherTls,
  assertReplicas,
  INGRESS_CLASS,
  RancherTlsExpectation,
} from "./chartChecks";
import { privateCa } from "./certs";
import { plan, unwrap } from "./helpers";
import { chartFile, parseKnownValueKeys, rancherValuesCheck, unknownValuePaths } from "./reference";

interface Case {
  label: string;
  stack: "dev" | "prod";
  overrides: string[];
  tls: RancherTlsExpectation;
  agentTLSMode: "strict" | "system-store";
}

const pki = privateCa("rancher-dev.example.com");

const CASES: Case[] = [
  {
    label: "dev (l4, Traefik, tlsSource rancher)",
    stack: "dev",
    overrides: [],
    tls: { mode: "ingress", source: "rancher" },
    agentTLSMode: "strict",
  },
  {
    label: "dev (l4, tlsSource letsEncrypt, staging)",
    stack: "dev",
    overrides: [
      "tlsSource=letsEncrypt",
      "letsEncryptEmail=ops@example.com",
      "letsEncryptEnvironment=staging",
    ],
    tls: {
      mode: "ingress",
      source: "letsEncrypt",
      email: "ops@example.com",
      environment: "staging",
      ingressClass: INGRESS_CLASS.traefik,
    },
    agentTLSMode: "system-store",
  },
  {
    // A public CA cannot sign test keys: the secret comes from a private CA, given as
    // tlsCaCertificate (without it the config refuses a certificate agents cannot verify).
    label: "dev (l4, tlsSource secret from a private CA)",
    stack: "dev",
    overrides: [
      "tlsSource=secret",
      `tlsCertificate=${pki.leaf.cert}`,
      `tlsPrivateKey=${pki.leaf.key}`,
      `tlsCaCertificate=${pki.ca.cert}`,
    ],
    tls: { mode: "ingress", source: "secret" },
    agentTLSMode: "strict",
  },
  {
    label: "dev (l4, ingress-nginx on RKE2 v1.35.7, one server)",
    stack: "dev",
    overrides: ["rke2Version=v1.35.7+rke2r1", "ingressController=ingress-nginx", "serverCount=1"],
    tls: { mode: "ingress", source: "rancher" },
    agentTLSMode: "strict",
  },
  {
    label: "prod (l7, Traefik)",
    stack: "prod",
    overrides: [],
    tls: { mode: "external" },
    agentTLSMode: "system-store",
  },
  {
    label: "prod (l7, ingress-nginx on RKE2 v1.35.7)",
    stack: "prod",
    overrides: ["rke2Version=v1.35.7+rke2r1", "ingressController=ingress-nginx"],
    tls: { mode: "external" },
    agentTLSMode: "system-store",
  },
];

describe("real charts: Rancher and cert-manager with the plans' values (helm v4, offline)", function () {
  this.timeout(180_000);

  for (const c of CASES) {
    describe(c.label, () => {
      let r: PlanCharts;
      before(async () => {
        r = await renderPlanCharts(await plan(c.stack, c.overrides));
      });

      it("the chart accepts the values and the cluster's Kubernetes version; no key is ignored", () => {
        // Rendering already passed the chart's kubeVersion and values.schema.json (helm checks
        // both); values.yaml must also know every key we set, or the chart ignores it silently.
        assert.ok(r.rancher.length > 10, "rendered");
        rancherValuesCheck().check(r.rancherValues, c.label);
      });

      it("Rancher's Ingress: the hostname on the class the ingress chart installs", () => {
        // Cross-chart: the class must be the IngressClass RKE2's ingress chart really creates.
        const installed = oneKind(r.ingress, "IngressClass").metadata.name;
        assert.equal(installed, INGRESS_CLASS[r.controller]);
        assertRancherRoute(r.rancher, r.plan.config.hostname, installed);
      });

      it(`TLS: ${c.tls.mode === "external" ? "none at the ingress (the ALB's)" : `ingress, source ${c.tls.source}`}`, () => {
        assertRancherTls(r.rancher, c.tls);
      });

      it("cert-manager only where the Rancher chart needs it, with the CRDs it uses", () => {
        assertCertManagerWhereNeeded(r.rancher, r.certManager);
      });

      it("replicas, bootstrap secret and agent TLS mode", () => {
        assertReplicas(r.rancher, Math.min(3, r.plan.config.serverCount));
        const password = r.rancherValues.bootstrapPassword;
        assert.ok(typeof password === "string" && password.length >= 12, "a bootstrap password");
        assertBootstrapSecret(r.rancher, password);
        assertAgentTlsMode(r.rancher, c.agentTLSMode);
      });

      it("a private CA only when one is given, mounted from the plan's tls-ca secret", () => {
        const secret = r.plan.resources.find((x) => x.name === "rancher-install-tls-ca");
        assert.equal(r.rancherValues.privateCA === true, secret !== undefined);
        const inputs = secret && { ...secret.inputs, stringData: unwrap(secret.inputs.stringData) };
        assertPrivateCa(r.rancher, inputs as Parameters<typeof assertPrivateCa>[1]);
      });
    });
  }

  it("cert-manager: the plan's values install its CRDs, and every values key is known", async () => {
    const r = await renderPlanCharts(await plan("dev"));
    assert.ok(r.certManager && r.certManagerValues, "dev installs cert-manager");
    const crds = findKind(r.certManager, "CustomResourceDefinition").map((d) => d.metadata.name);
    for (const crd of ["certificates.cert-manager.io", "issuers.cert-manager.io"]) {
      assert.ok(crds.includes(crd), `${crd} installed by the chart`);
    }
    const known = parseKnownValueKeys(
      chartFile("charts/cert-manager-v1.21.1.tgz", "cert-manager/values.yaml"),
    );
    assert.deepEqual(unknownValuePaths(r.certManagerValues, known), []);
    // And without crds.enabled the chart installs none: the value is what installs them.
    const without = await renderCertManager({});
    assert.deepEqual(findKind(without, "CustomResourceDefinition"), []);
  });

  it("the Rancher chart refuses a Kubernetes version above its kubeVersion cap (the cap is enforced)", async () => {
    const values = (await renderPlanCharts(await plan("prod"))).rancherValues;
    await assert.rejects(
      renderRancher(values, { rke2Version: "v1.37.0+rke2r1" }),
      /chart requires kubeVersion: < 1\.37\.0-0 which is incompatible with Kubernetes v1\.37\.0/,
    );
  });
});
