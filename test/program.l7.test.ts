// The prod stack (L7): ALB with ACM, Rancher tls=external, forwarded headers trusted; and the
// l4 ↔ l7 switch, which must leave the servers and RKE2 alone.
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { ConfigError } from "../components/config";
import { Plan, planConfig } from "../plan/run";
import { byName, FIXTURE_STACKS, ofType, plan, TYPES, unwrap } from "./helpers";
import { rancherValuesCheck } from "./reference";

const ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

describe("program: prod stack (l7)", function () {
  this.timeout(120_000);

  it("puts an internet-facing ALB with its own group, modern TLS and long idle timeout in front", async () => {
    const p = await plan("prod");
    const alb = ofType(p, TYPES.lb).find((l) => l.inputs.loadBalancerType === "application")!;
    assert.ok(alb);
    assert.equal(alb.inputs.internal, false);
    assert.equal(alb.inputs.dropInvalidHeaderFields, true);
    assert.equal(alb.inputs.idleTimeout, 1800);
    assert.deepEqual(alb.inputs.securityGroups, ["rancher-l7-alb-id"]);
    assert.equal(alb.inputs.enableDeletionProtection, true, "prod sets protect");
    assert.equal(alb.protect, true);
    const listeners = ofType(p, TYPES.listener).filter(
      (l) =>
        l.inputs.loadBalancerArn === "arn:aws:placeholder:eu-west-1:000000000000:rancher-l7-alb",
    );
    const https = listeners.find((l) => l.inputs.port === 443)!;
    const http = listeners.find((l) => l.inputs.port === 80)!;
    assert.equal(https.inputs.protocol, "HTTPS");
    assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert.deepEqual((http.inputs.defaultActions as any[])[0], {
      type: "redirect",
      redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
    });
    const forward = (https.inputs.defaultActions as any[])[0];
    assert.equal(forward.type, "forward");
    const tg = byName(p, "rancher-l7-http", TYPES.targetGroup);
    assert.equal(
      forward.targetGroupArn,
      "arn:aws:placeholder:eu-west-1:000000000000:rancher-l7-http",
    );
    assert.equal(tg.inputs.protocol, "HTTP");
    assert.equal(tg.inputs.port, 80);
    const hc = tg.inputs.healthCheck as Record<string, unknown>;
    assert.equal(hc.path, "/ping");
    assert.equal(hc.matcher, "200");
    const attachments = ofType(p, TYPES.attachment).filter(
      (a) => a.inputs.targetGroupArn === forward.targetGroupArn,
    );
    assert.deepEqual(
      attachments.map((a) => [a.inputs.targetId, a.inputs.port]),
      [1, 2, 3].map((i) => [`rancher-server-${i}-id`, 80]),
    );
  });

  it("creates and DNS-validates an ACM certificate; the HTTPS listener waits for validation", async () => {
    const p = await plan("prod");
    const cert = byName(p, "rancher-l7-cert", TYPES.cert);
    assert.equal(cert.inputs.domainName, "rancher.example.com");
    assert.equal(cert.inputs.validationMethod, "DNS");
    const validation = byName(p, "rancher-l7-cert", TYPES.certValidation);
    const record = byName(p, "rancher-l7-cert-validation", TYPES.record);
    assert.equal(record.inputs.type, "CNAME");
    assert.deepEqual(validation.inputs.validationRecordFqdns, [record.inputs.name]);
    const https = byName(p, "rancher-l7-https", TYPES.listener);
    assert.ok(https.dependsOn.includes(validation.urn));
  });

  it("uses a given certificateArn as is: no certificate, no validation", async () => {
    const p = await plan("prod", [`certificateArn=${ARN}`]);
    assert.equal(ofType(p, TYPES.cert).length, 0);
    assert.equal(ofType(p, TYPES.certValidation).length, 0);
    assert.equal(byName(p, "rancher-l7-https", TYPES.listener).inputs.certificateArn, ARN);
  });

  it("keeps the control plane on the NLBs with the hairpin precautions, and no 80/443 there", async () => {
    const p = await plan("prod");
    const ports = (lb: string) =>
      ofType(p, TYPES.listener)
        .filter(
          (l) => l.inputs.loadBalancerArn === `arn:aws:placeholder:eu-west-1:000000000000:${lb}`,
        )
        .map((l) => l.inputs.port as number)
        .sort((a, b) => a - b);
    assert.equal(byName(p, "rancher-cp-nlb", TYPES.lb).inputs.loadBalancerType, "network");
    assert.deepEqual(ports("rancher-cp-nlb"), [6443]);
    assert.deepEqual(ports("rancher-cp-int"), [6443, 9345]);
    for (const tg of ["rancher-cp-6443", "rancher-cp-int-6443", "rancher-cp-int-9345"])
      assert.equal(byName(p, tg, TYPES.targetGroup).inputs.preserveClientIp, "false");
  });

  it("lets the nodes take port 80 from the ALB only; 443 stays closed on them", async () => {
    const p = await plan("prod");
    const nodeRules = ofType(p, TYPES.ingress).filter(
      (r) => r.inputs.securityGroupId === "rancher-sec-nodes-id",
    );
    const web = nodeRules.filter((r) => [80, 443].includes(r.inputs.fromPort as number));
    assert.deepEqual(
      web.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId]),
      [[80, "rancher-l7-alb-id"]],
    );
    const world = ofType(p, TYPES.ingress).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
    assert.deepEqual(
      world.map((r) => [r.inputs.securityGroupId, r.inputs.ipProtocol, r.inputs.fromPort]).sort(),
      [
        ["rancher-l7-alb-id", "icmp", 3],
        ["rancher-l7-alb-id", "tcp", 443],
        ["rancher-l7-alb-id", "tcp", 80],
      ],
    );
  });

  it("points DNS at the ALB", async () => {
    const p = await plan("prod");
    const alias = (byName(p, "rancher-dns-alias", TYPES.record).inputs.aliases as any[])[0];
    assert.match(alias.name, /^rancher-l7-alb-/);
    assert.equal(byName(p, "rancher-dns-alias").protect, true);
  });

  it("runs Rancher with tls=external, system-store agents, no cert-manager, audit log on", async () => {
    const p = await plan("prod");
    assert.deepEqual(
      ofType(p, TYPES.release).map((r) => r.inputs.chart),
      ["rancher-backup-crd", "rancher", "rancher-backup"],
      "no cert-manager release",
    );
    const rancher = byName(p, "rancher-install-rancher", TYPES.release);
    const values = unwrap(rancher.inputs.values) as Record<string, any>;
    assert.equal(values.tls, "external");
    assert.equal(values.agentTLSMode, "system-store");
    assert.equal(values.ingress.tls, undefined, "no ingress TLS settings with external TLS");
    assert.equal(values.letsEncrypt, undefined);
    assert.deepEqual(values.auditLog, { enabled: true, destination: "sidecar", level: 1 });
    // The values the prod stack would install, checked against the real chart.
    rancherValuesCheck().check(values, "prod Rancher values");
    assert.equal(rancher.protect, true);
  });

  it("writes the forwarded-header trust for Traefik (VPC CIDR, not insecure) on every server", async () => {
    const p = await plan("prod");
    for (const i of [1, 2, 3]) {
      const tuning = byName(p, `rancher-l7-ingress-${i}`, TYPES.command);
      assert.ok(tuning.urn.includes("rancher-ha:frontend:AlbFrontEnd"), "owned by the front end");
      // The manifest travels on stdin; the command line is fixed text.
      assert.equal(
        tuning.inputs.create,
        "sudo -n install -D -m 0600 /dev/stdin /var/lib/rancher/rke2/server/manifests/rancher-ha-ingress.yaml",
      );
      const doc = parse(tuning.inputs.stdin as string);
      assert.equal(doc.kind, "HelmChartConfig");
      assert.equal(doc.metadata.name, "rke2-traefik");
      const values = parse(doc.spec.valuesContent);
      assert.deepEqual(values.ports.web.forwardedHeaders, {
        trustedIPs: ["10.20.0.0/16"],
        insecure: false,
      });
      // Before RKE2 first starts: the start step waits for it.
      const start = byName(p, `rancher-rke2-${i}-start`, TYPES.command);
      assert.ok(start.dependsOn.includes(tuning.urn));
      assert.deepEqual(tuning.inputs.triggers, [`rancher-server-${i}-id`]);
    }
  });

  it("the ingress controller outlasts the ALB's idle timeout (derived from idleTimeoutSeconds)", async () => {
    const values = (p: Plan) =>
      parse(
        parse(byName(p, "rancher-l7-ingress-1").inputs.stdin as string).spec.valuesContent,
      ) as Record<string, any>;
    const prod = await plan("prod");
    assert.equal(byName(prod, "rancher-l7-alb", TYPES.lb).inputs.idleTimeout, 1800);
    assert.equal(values(prod).ports.web.transport.respondingTimeouts.idleTimeout, "1860s");
    const short = await plan("prod", ["idleTimeoutSeconds=600"]);
    assert.equal(values(short).ports.web.transport.respondingTimeouts.idleTimeout, "660s");
    const nginx = await plan("prod", ["rke2Version=v1.35.7+rke2r1", "idleTimeoutSeconds=600"]);
    assert.equal(values(nginx).controller.config["keep-alive"], "660");
    // L4 passes TCP through: the chart defaults stay.
    const l4 = parse(
      parse(byName(await plan("dev"), "rancher-l4-ingress-1").inputs.stdin as string).spec
        .valuesContent,
    );
    assert.equal(l4.ports.web.transport, undefined);
  });

  it("existing VPC: trusts the CIDRs of the subnets the ALB sits in, secondary VPC CIDRs too", async () => {
    const id = (n: number) => `subnet-0123456789abcdef${n}`;
    const cloud = {
      subnets: {
        // The primary CIDR (10.0.0.0/16) holds none of the ALB's subnets.
        [id(0)]: { availabilityZone: "eu-west-1a", cidrBlock: "100.64.0.0/24" },
        [id(1)]: { availabilityZone: "eu-west-1b", cidrBlock: "100.64.1.0/24" },
        [id(2)]: { availabilityZone: "eu-west-1a", cidrBlock: "100.64.2.0/24" },
      },
    };
    const p = await plan(
      "prod",
      [
        "nodeAccess=public",
        "vpcId=vpc-0123456789abcdef0",
        `subnetIds=${JSON.stringify([id(0), id(1), id(2)])}`,
      ],
      cloud,
    );
    assert.deepEqual(byName(p, "rancher-l7-alb", TYPES.lb).inputs.subnets, [id(0), id(1)]);
    const doc = parse(byName(p, "rancher-l7-ingress-1").inputs.stdin as string);
    assert.deepEqual(parse(doc.spec.valuesContent).ports.web.forwardedHeaders.trustedIPs, [
      "100.64.0.0/24",
      "100.64.1.0/24",
    ]);
    const nginx = await plan(
      "prod",
      [
        "nodeAccess=public",
        "vpcId=vpc-0123456789abcdef0",
        `subnetIds=${JSON.stringify([id(0), id(1), id(2)])}`,
        "rke2Version=v1.35.7+rke2r1",
      ],
      cloud,
    );
    const config = parse(
      parse(byName(nginx, "rancher-l7-ingress-1").inputs.stdin as string).spec.valuesContent,
    ).controller.config;
    assert.equal(config["proxy-real-ip-cidr"], "100.64.0.0/24,100.64.1.0/24");
  });

  it("with ingress-nginx (RKE2 1.35): /healthz health check and use-forwarded-headers", async () => {
    const p = await plan("prod", ["rke2Version=v1.35.7+rke2r1", "ingressController=ingress-nginx"]);
    const hc = byName(p, "rancher-l7-http", TYPES.targetGroup).inputs.healthCheck as Record<
      string,
      unknown
    >;
    assert.equal(hc.path, "/healthz");
    const doc = parse(byName(p, "rancher-l7-ingress-1").inputs.stdin as string);
    assert.equal(doc.metadata.name, "rke2-ingress-nginx");
    assert.equal(parse(doc.spec.valuesContent).controller.config["use-forwarded-headers"], "true");
    const values = unwrap(byName(p, "rancher-install-rancher").inputs.values) as any;
    assert.equal(values.ingress.ingressClassName, "nginx");
  });
});

describe("l4 ↔ l7 switch", function () {
  this.timeout(120_000);

  it("keeps every server and RKE2 resource's URN and inputs", async () => {
    const l4 = await plan("dev");
    const l7 = await plan("dev", ["loadBalancer=l7"]);
    const stable = (p: typeof l4) =>
      p.resources.filter(
        (r) =>
          r.type === TYPES.instance ||
          r.type === "aws:ec2/keyPair:KeyPair" ||
          r.type.startsWith("aws:ec2/vpc") ||
          r.type === TYPES.subnet ||
          r.urn.includes("rancher-ha:frontend:ControlPlaneEndpoint") ||
          r.urn.includes("rancher-ha:rke2:Rke2Cluster"),
      );
    const before = new Map(stable(l4).map((r) => [r.urn, r]));
    const after = new Map(stable(l7).map((r) => [r.urn, r]));
    assert.ok(before.size > 60, `compared ${before.size} resources`);
    assert.ok([...before.keys()].some((u) => u.includes("rancher-rke2-3-start")));
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
    for (const [urn, r] of before) {
      assert.deepEqual(after.get(urn)!.inputs, r.inputs, `inputs of ${r.name} changed`);
    }
  });

  it("replaces only the front end (with its ingress tuning), certificate and DNS target", async () => {
    const l4 = await plan("dev");
    const l7 = await plan("dev", ["loadBalancer=l7"]);
    const urns = (p: typeof l4) => new Set(p.resources.map((r) => r.urn));
    const gone = [...urns(l4)].filter((u) => !urns(l7).has(u));
    const added = [...urns(l7)].filter((u) => !urns(l4).has(u));
    for (const u of [...gone, ...added])
      assert.match(u, /rancher-ha:frontend:(NlbFrontEnd|AlbFrontEnd)|cert-manager/, u);
    assert.ok(added.some((u) => u.includes("Certificate")));
    assert.ok(gone.some((u) => u.endsWith("rancher-l4-ingress-1")));
    assert.ok(added.some((u) => u.endsWith("rancher-l7-ingress-1")));
    // The changed DNS target and Rancher values are updates of the same resources.
    for (const name of ["rancher-dns-alias", "rancher-install-rancher"]) {
      assert.ok(urns(l4).has(byName(l7, name).urn), name);
    }
  });
});

describe("l7 config errors", () => {
  const prod = (overrides: string[]) => () =>
    planConfig({ stack: "prod", overrides, stackDir: FIXTURE_STACKS });
  const cases: [string, string[], RegExp][] = [
    ["tlsSource with l7", ["tlsSource=rancher"], /rancher-ha:tlsSource: does not apply to l7/],
    [
      "tlsCertificate with l7",
      ["tlsCertificate=-----BEGIN CERTIFICATE-----"],
      /rancher-ha:tlsCertificate: does not apply to l7/,
    ],
    [
      "tlsPrivateKey with l7",
      ["tlsPrivateKey=-----BEGIN PRIVATE KEY-----"],
      /rancher-ha:tlsPrivateKey: does not apply to l7/,
    ],
    [
      "letsEncryptEmail with l7",
      ["letsEncryptEmail=a@example.com"],
      /rancher-ha:letsEncryptEmail: does not apply to l7/,
    ],
    [
      "malformed certificateArn",
      ["certificateArn=arn:aws:acm:eu-west-1:1:cert/x"],
      /rancher-ha:certificateArn: .* is not an ACM certificate ARN/,
    ],
    [
      "certificateArn from another region",
      [`certificateArn=${ARN.replace("eu-west-1", "us-east-1")}`],
      /rancher-ha:certificateArn: is in us-east-1 but the stack is in eu-west-1/,
    ],
    [
      "outdated sslPolicy",
      ["sslPolicy=ELBSecurityPolicy-2016-08"],
      /rancher-ha:sslPolicy: .* allows TLS below 1.2/,
    ],
    [
      "unknown sslPolicy",
      ["sslPolicy=modern"],
      /rancher-ha:sslPolicy: .* is not an ELB security policy/,
    ],
    [
      "idle timeout out of range",
      ["idleTimeoutSeconds=5000"],
      /rancher-ha:idleTimeoutSeconds: 5000 is out of range/,
    ],
  ];
  for (const [what, overrides, expected] of cases) {
    it(`rejects ${what}`, () => {
      assert.throws(
        prod(overrides),
        (e: unknown) => e instanceof ConfigError && expected.test(e.message),
      );
    });
  }
  it("rejects l7-only keys on l4", () => {
    assert.throws(
      () =>
        planConfig({
          stack: "dev",
          overrides: [`certificateArn=${ARN}`, "idleTimeoutSeconds=600"],
          stackDir: FIXTURE_STACKS,
        }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.length === 2 &&
        /applies only to loadBalancer l7/.test(e.message),
    );
  });
});
