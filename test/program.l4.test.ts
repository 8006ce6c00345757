// The dev stack (L4) evaluated on the mock runtime: what is created, how it is wired, in which
// order, and what stays secret.
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { MOCK_SECRET_PREFIX } from "../plan/mocks";
import { plainStrings, Secret, secretStrings } from "../plan/values";
import { byName, ofType, plan, servers, TYPES, unwrap, waitsFor } from "./helpers";
import { rancherValuesCheck } from "./reference";

const DEV_ADMIN = "203.0.113.0/24";

describe("program: dev stack (l4)", function () {
  this.timeout(120_000);

  it("creates three servers round-robin over three AZs, hardened", async () => {
    const p = await plan("dev");
    const instances = servers(p);
    assert.equal(instances.length, 3);
    const subnets = new Map(
      ofType(p, TYPES.subnet).map((s) => [`${s.name}-id`, s.inputs.availabilityZone]),
    );
    const azs = instances.map((i) => subnets.get(i.inputs.subnetId as string));
    assert.deepEqual(azs, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.equal(new Set(instances.map((i) => i.name)).size, 3, "unique names");
    for (const i of instances) {
      const md = i.inputs.metadataOptions as Record<string, unknown>;
      assert.equal(md.httpTokens, "required");
      assert.equal(md.httpPutResponseHopLimit, 1);
      const root = i.inputs.rootBlockDevice as Record<string, unknown>;
      assert.equal(root.encrypted, true);
      assert.equal(root.volumeType, "gp3");
      assert.equal(root.volumeSize, 100);
      assert.equal(i.inputs.userData, undefined, "no user data (it is stored in clear text)");
      assert.equal(i.inputs.instanceType, "m6i.xlarge");
      assert.deepEqual(
        i.ignoreChanges,
        ["ami", "instanceType", "keyName", "subnetId", "associatePublicIpAddress"],
        "a new AMI, type or key never touches all servers at once",
      );
      assert.equal(i.deleteBeforeReplace, true);
      const tags = i.inputs.tags as Record<string, string>;
      assert.equal(tags.environment, "dev");
      assert.equal(tags["rancher-ha:stack"], "dev");
    }
  });

  it("tags every taggable AWS resource with the user's tags and the stack tag", async () => {
    const p = await plan("dev");
    const untaggable = new Set([
      TYPES.listener,
      TYPES.attachment,
      TYPES.record,
      "aws:ec2/routeTableAssociation:RouteTableAssociation",
      // None takes tags (aws_route, aws_iam_role_policy_attachment, aws_iam_role_policy).
      "aws:ec2/route:Route",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "aws:iam/rolePolicy:RolePolicy",
      TYPES.certValidation,
      // A bucket's settings take no tags (@pulumi/aws 7.48 s3/*.d.ts); the bucket has them.
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketVersioning:BucketVersioning",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    ]);
    const aws = p.resources.filter(
      (r) => r.custom && r.type.startsWith("aws:") && !untaggable.has(r.type as never),
    );
    assert.ok(aws.length > 30);
    for (const r of aws) {
      const tags = r.inputs.tags as Record<string, string> | undefined;
      assert.ok(tags, `${r.type} ${r.name} has no tags`);
      assert.equal(tags["rancher-ha:stack"], "dev", r.name);
      assert.equal(tags.owner, "platform-team", r.name);
    }
  });

  it("puts an internet-facing NLB in front and an internal one for the servers, each with its own group", async () => {
    const p = await plan("dev");
    const lbs = ofType(p, TYPES.lb);
    assert.deepEqual(lbs.map((l) => l.name).sort(), ["rancher-cp-int", "rancher-cp-nlb"]);
    const pub = byName(p, "rancher-cp-nlb", TYPES.lb).inputs;
    const internal = byName(p, "rancher-cp-int", TYPES.lb).inputs;
    for (const [lb, internalFlag, sg] of [
      [pub, false, "rancher-cp-nlb-id"],
      [internal, true, "rancher-cp-int-id"],
    ] as const) {
      assert.equal(lb.loadBalancerType, "network");
      assert.equal(lb.internal, internalFlag);
      assert.equal(lb.enableCrossZoneLoadBalancing, true);
      assert.deepEqual(lb.securityGroups, [sg]);
      assert.equal((lb.subnets as string[]).length, 3);
    }
  });

  it("wires listeners → target groups → one attachment per server and port", async () => {
    const p = await plan("dev");
    const listeners = ofType(p, TYPES.listener);
    const ports = (lb: string) =>
      listeners
        .filter(
          (l) => l.inputs.loadBalancerArn === `arn:aws:placeholder:us-east-1:000000000000:${lb}`,
        )
        .map((l) => l.inputs.port as number)
        .sort((a, b) => a - b);
    assert.deepEqual(ports("rancher-cp-nlb"), [80, 443, 6443]);
    assert.deepEqual(ports("rancher-cp-int"), [6443, 9345]);
    const groups = new Map(
      ofType(p, TYPES.targetGroup).map((t) => [
        `arn:aws:placeholder:us-east-1:000000000000:${t.name}`,
        t,
      ]),
    );
    const instanceIds = servers(p).map((i) => `${i.name}-id`);
    for (const l of listeners) {
      assert.equal(l.inputs.protocol, "TCP");
      const action = (l.inputs.defaultActions as Record<string, unknown>[])[0];
      assert.equal(action.type, "forward");
      const tg = groups.get(action.targetGroupArn as string);
      assert.ok(tg, `listener ${l.name} forwards to a known target group`);
      assert.equal(tg.inputs.port, l.inputs.port);
      const hc = tg.inputs.healthCheck as Record<string, unknown>;
      assert.equal(hc.protocol, "TCP");
      assert.equal(hc.healthyThreshold, 3);
      assert.equal(hc.interval, 10);
      const attachments = ofType(p, TYPES.attachment).filter(
        (a) => a.inputs.targetGroupArn === action.targetGroupArn,
      );
      assert.deepEqual(attachments.map((a) => a.inputs.targetId).sort(), [...instanceIds].sort());
      for (const a of attachments) assert.equal(a.inputs.port, l.inputs.port);
      // The hairpin trap: servers reach 6443/9345 through an NLB themselves.
      const expected = [6443, 9345].includes(l.inputs.port as number) ? "false" : "true";
      assert.equal(tg.inputs.preserveClientIp, expected, `preserveClientIp on ${tg.name}`);
    }
  });

  it("opens nothing to the world but 80/443 (and path MTU ICMP) on the load balancer", async () => {
    const p = await plan("dev");
    const rules = ofType(p, TYPES.ingress);
    const world = rules.filter(
      (r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0",
    );
    assert.deepEqual(
      world.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]).sort(),
      [
        ["icmp", 3, 4],
        ["tcp", 443, 443],
        ["tcp", 80, 80],
      ],
    );
    for (const r of world) assert.equal(r.inputs.securityGroupId, "rancher-cp-nlb-id");
    const nodeSg = "rancher-sec-nodes-id";
    // Private servers (nodeAccess bastion): no range reaches them directly; SSH only from the
    // bastion's group, which admits the admins. Nodes get 80/443 only from the NLB's group.
    const fromCidr = rules.filter((r) => r.inputs.securityGroupId === nodeSg && r.inputs.cidrIpv4);
    assert.deepEqual(fromCidr, []);
    assert.deepEqual(
      rules
        .filter((r) => r.inputs.securityGroupId === nodeSg && r.inputs.fromPort === 22)
        .map((r) => r.inputs.referencedSecurityGroupId),
      ["rancher-bastion-sg-id"],
    );
    assert.deepEqual(
      rules
        .filter(
          (r) => r.inputs.securityGroupId === "rancher-bastion-sg-id" && r.inputs.fromPort === 22,
        )
        .map((r) => r.inputs.cidrIpv4),
      [DEV_ADMIN],
    );
    const web = rules.filter(
      (r) => r.inputs.securityGroupId === nodeSg && [80, 443].includes(r.inputs.fromPort as number),
    );
    assert.equal(web.length, 2);
    for (const r of web) assert.equal(r.inputs.referencedSecurityGroupId, "rancher-cp-nlb-id");
    // RKE2's node-to-node ports only between the servers.
    const self = rules.filter((r) => r.name.startsWith("rancher-sec-self-"));
    assert.ok(self.length >= 8);
    for (const r of self) assert.equal(r.inputs.referencedSecurityGroupId, nodeSg);
    assert.ok(self.some((r) => r.inputs.fromPort === 2379 && r.inputs.toPort === 2381));
    assert.ok(self.some((r) => r.inputs.ipProtocol === "udp" && r.inputs.fromPort === 8472));
    // Public NLB: 6443 from admins only (plus the front end's 80/443).
    const pub = rules.filter((r) => r.inputs.securityGroupId === "rancher-cp-nlb-id");
    assert.deepEqual(
      pub
        .filter((r) => r.inputs.fromPort === 6443)
        .map((r) => r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId),
      [DEV_ADMIN],
    );
    assert.ok(!pub.some((r) => r.inputs.fromPort === 9345), "9345 is never public");
    // Internal NLB: 6443 and 9345 from the servers only.
    const internal = rules.filter((r) => r.inputs.securityGroupId === "rancher-cp-int-id");
    assert.deepEqual(
      internal.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId]).sort(),
      [
        [6443, nodeSg],
        [9345, nodeSg],
      ],
    );
    // The servers take 6443/9345 from the NLBs' groups (their source with preservation off).
    const fromLbs = rules.filter(
      (r) =>
        r.inputs.securityGroupId === nodeSg &&
        [6443, 9345].includes(r.inputs.fromPort as number) &&
        r.inputs.referencedSecurityGroupId &&
        r.inputs.referencedSecurityGroupId !== nodeSg,
    );
    assert.deepEqual(
      fromLbs.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId]).sort(),
      [
        [6443, "rancher-cp-int-id"],
        [6443, "rancher-cp-nlb-id"],
        [9345, "rancher-cp-int-id"],
      ],
    );
  });

  it("gives every group the egress it needs, explicitly", async () => {
    const p = await plan("dev");
    const egress = ofType(p, TYPES.egress);
    const nodes = egress.filter((e) => e.inputs.securityGroupId === "rancher-sec-nodes-id");
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].inputs.ipProtocol, "-1");
    const ports = (sg: string) =>
      egress
        .filter((e) => e.inputs.securityGroupId === sg)
        .map((e) => {
          assert.equal(e.inputs.referencedSecurityGroupId, "rancher-sec-nodes-id");
          return e.inputs.fromPort as number;
        })
        .sort((a, b) => a - b);
    assert.deepEqual(ports("rancher-cp-nlb-id"), [80, 443, 6443]);
    assert.deepEqual(ports("rancher-cp-int-id"), [6443, 9345]);
  });

  it("points the hostname's alias record at the NLB, evaluating target health", async () => {
    const p = await plan("dev");
    const record = byName(p, "rancher-dns-alias", TYPES.record);
    assert.equal(record.inputs.name, "rancher-dev.example.com");
    assert.equal(record.inputs.type, "A");
    assert.equal(record.inputs.zoneId, "ZPLACEHOLDERZONE");
    const nlb = byName(p, "rancher-cp-nlb", TYPES.lb);
    const alias = (record.inputs.aliases as Record<string, unknown>[])[0];
    assert.equal(alias.evaluateTargetHealth, true);
    assert.match(alias.name as string, new RegExp(`^${nlb.name}-[0-9a-f]+\\.elb\\.`));
    assert.ok(record.dependsOn.includes(nlb.urn));
  });

  it("renders each server's RKE2 config: server and tls-san per role, no token", async () => {
    const p = await plan("dev");
    const nlbDns = (p.outputs.controlPlaneEndpoint as string).replace(/^https:\/\/|:6443$/g, "");
    const internalDns = /^rancher-cp-int-[0-9a-f]+\.elb\.us-east-1\.amazonaws\.com$/;
    for (const i of [1, 2, 3]) {
      const copy = byName(p, `rancher-rke2-${i}-config`, TYPES.copy);
      assert.equal(copy.inputs.remotePath, "/opt/rancher-ha/config.yaml");
      const cfg = parse((copy.inputs.source as { text: string }).text) as Record<string, unknown>;
      const sans = cfg["tls-san"] as string[];
      assert.deepEqual(sans.slice(0, 2), ["rancher-dev.example.com", nlbDns]);
      assert.match(sans[2], internalDns);
      assert.equal(sans.length, 3);
      assert.equal(cfg["token-file"], "/etc/rancher/rke2/token");
      assert.equal(cfg.token, undefined);
      assert.equal(cfg["node-name"], `rancher-server-${i}`);
      assert.deepEqual(cfg["ingress-controller"], ["traefik"]);
      if (i === 1) assert.equal(cfg.server, undefined, "server 1 initialises");
      else assert.equal(cfg.server, `https://${sans[2]}:9345`, "joins through the internal NLB");
    }
  });

  it("tells the first server its peers' private addresses, so it never starts a second cluster", async () => {
    const p = await plan("dev");
    const params = (i: number) =>
      (byName(p, `rancher-rke2-${i}-cluster`, TYPES.copy).inputs.source as { text: string }).text;
    const privateIps = [2, 3].map((i) => /^PEERS=(.*)$/m.exec(params(1))![1].split(",")[i - 2]);
    assert.deepEqual(privateIps, ["10.0.0.12", "10.0.0.13"], "servers 2 and 3 (placeholder IPs)");
    for (const i of [2, 3]) assert.match(params(i), /^PEERS=none$/m);
  });

  it("joins strictly one after another; installs do not wait for joins", async () => {
    const p = await plan("dev");
    const start = (i: number) => byName(p, `rancher-rke2-${i}-start`, TYPES.command);
    const starts = [1, 2, 3].map(start);
    assert.ok(starts[1].dependsOn.includes(starts[0].urn));
    assert.ok(starts[2].dependsOn.includes(starts[1].urn));
    assert.ok(!starts[0].dependsOn.some((u) => u.includes("-start")));
    // Joins go through the NLB: they wait for its supervisor listener.
    const supervisor = byName(p, "rancher-cp-int-9345", TYPES.listener);
    assert.ok(starts[1].dependsOn.includes(supervisor.urn));
    for (const i of [1, 2, 3]) {
      const install = byName(p, `rancher-rke2-${i}-install`, TYPES.command);
      const closure = waitsFor(p, install);
      for (const s of starts) assert.ok(!closure.has(s.urn), `install ${i} waits for ${s.name}`);
      assert.ok(waitsFor(p, starts[i - 1]).has(install.urn));
    }
  });

  it("passes the join token only as a secret on stdin, never in a command line or file", async () => {
    const p = await plan("dev");
    const token = p.resources.find((r) => r.name === "rancher-rke2-token")!;
    const tokenValue = `${MOCK_SECRET_PREFIX}rancher-rke2-token`;
    const start = byName(p, "rancher-rke2-2-start", TYPES.command);
    assert.ok(start.inputs.stdin instanceof Secret, "stdin is secret");
    assert.ok(String(start.inputs.stdin.value).startsWith(tokenValue));
    assert.ok(token);
    for (const r of p.resources) {
      for (const s of plainStrings(r.inputs)) {
        assert.ok(!s.value.includes(tokenValue), `token in plain ${r.name}.${s.path}`);
      }
    }
    for (const s of plainStrings(p.outputs))
      assert.ok(!s.value.includes(MOCK_SECRET_PREFIX), `output ${s.path}`);
    for (const c of ofType(p, TYPES.command)) {
      assert.match(
        c.inputs.create as string,
        /^(sudo -n |true$)/,
        `${c.name} runs a fixed command`,
      );
    }
  });

  it("keeps kubeconfig, bootstrap password and generated SSH key secret", async () => {
    const p = await plan("dev");
    for (const k of ["kubeconfig", "bootstrapPassword", "sshPrivateKey"]) {
      assert.ok(p.outputs[k] instanceof Secret, `${k} is secret`);
      assert.ok(secretStrings(p.outputs[k]).length > 0);
    }
    for (const k of [
      "rancherUrl",
      "loadBalancerDnsName",
      "controlPlaneEndpoint",
      "serverPublicIps",
      "serverPrivateIps",
    ]) {
      assert.ok(!(p.outputs[k] instanceof Secret), `${k} is plain`);
    }
    assert.equal(p.outputs.rancherUrl, "https://rancher-dev.example.com");
    assert.match(p.outputs.controlPlaneEndpoint as string, /^https:\/\/rancher-cp-nlb-.*:6443$/);
    const kubeconfigCmd = byName(p, "rancher-rke2-kubeconfig", TYPES.command);
    assert.ok(kubeconfigCmd.additionalSecretOutputs.includes("stdout"));
    assert.equal(kubeconfigCmd.inputs.logging, "none");
  });

  it("never sends a command's previous output back to the server (addPreviousOutputInEnv off)", async () => {
    // @pulumi/command defaults it to true: the kubeconfig (and the start step's output, after it
    // got the token) would travel back as SSH environment requests on the next update or delete.
    for (const p of [await plan("dev"), await plan("prod")]) {
      const commands = ofType(p, TYPES.command);
      assert.ok(commands.some((c) => c.name === "rancher-rke2-kubeconfig"));
      assert.ok(commands.some((c) => c.name === "rancher-rke2-2-start"));
      for (const c of commands) assert.equal(c.inputs.addPreviousOutputInEnv, false, c.name);
    }
  });

  it("installs cert-manager once server 1 is Ready, while the others join", async () => {
    const p = await plan("dev");
    const certManager = byName(p, "rancher-install-cert-manager", TYPES.release);
    const namespace = byName(p, "rancher-install-cattle-system", "kubernetes:core/v1:Namespace");
    for (const r of [certManager, namespace]) {
      const closure = waitsFor(p, r);
      assert.ok(closure.has(byName(p, "rancher-rke2-1-start").urn), `${r.name}: server 1 Ready`);
      assert.ok(r.dependsOn.includes(byName(p, "rancher-rke2-kubeconfig").urn), r.name);
      for (const i of [2, 3]) {
        const join = byName(p, `rancher-rke2-${i}-start`).urn;
        assert.ok(!closure.has(join), `${r.name} does not wait for join ${i}`);
      }
    }
  });

  it("installs cert-manager, then Rancher after every server joined", async () => {
    const p = await plan("dev");
    const rancher = byName(p, "rancher-install-rancher", TYPES.release);
    const certManager = byName(p, "rancher-install-cert-manager", TYPES.release);
    const closure = waitsFor(p, rancher);
    assert.ok(closure.has(certManager.urn));
    // Through the Kubernetes provider, which waits for the kubeconfig read off server 1.
    const provider = byName(p, "rancher-install-k8s", "pulumi:providers:kubernetes");
    assert.ok(rancher.dependsOn.includes(provider.urn));
    assert.ok(waitsFor(p, provider).has(byName(p, "rancher-rke2-kubeconfig").urn));
    for (const i of [1, 2, 3])
      assert.ok(closure.has(byName(p, `rancher-rke2-${i}-start`).urn), `join ${i}`);
    assert.equal(certManager.inputs.namespace, "cert-manager");
    assert.deepEqual((unwrap(certManager.inputs.values) as Record<string, unknown>).crds, {
      enabled: true,
    });
    assert.equal(certManager.inputs.version, "v1.21.1");
    assert.equal(rancher.inputs.name, "rancher");
    assert.equal(rancher.inputs.namespace, "cattle-system");
    assert.equal(rancher.inputs.version, "2.15.0");
    // Every release publishes to `latest`; `stable` gets some only later (or never).
    assert.deepEqual(rancher.inputs.repositoryOpts, {
      repo: "https://releases.rancher.com/server-charts/latest",
    });
    assert.ok(rancher.inputs.values instanceof Secret, "values carry the bootstrap password");
    const values = unwrap(rancher.inputs.values) as Record<string, any>;
    assert.equal(values.hostname, "rancher-dev.example.com");
    assert.equal(values.replicas, 3);
    assert.equal(values.ingress.ingressClassName, "traefik");
    assert.equal(values.ingress.tls.source, "rancher");
    rancherValuesCheck().check(values, "dev Rancher values");
    assert.equal(values.bootstrapPassword.startsWith(MOCK_SECRET_PREFIX), true);
  });

  it("skips remote and Kubernetes deletes only when the whole cluster is destroyed", async () => {
    const p = await plan("dev");
    const token = byName(p, "rancher-rke2-token").urn;
    for (const i of [1, 2, 3]) {
      const member = byName(p, `rancher-rke2-${i}-member`, TYPES.command);
      assert.equal(member.deletedWith, token);
      assert.match(member.inputs.delete as string, /rke2-leave\.sh/);
      assert.deepEqual(
        member.inputs.triggers,
        [`rancher-server-${i}-id`],
        "replaced with its instance",
      );
    }
    for (const r of p.resources.filter(
      (x) => x.type.startsWith("kubernetes:") && !x.type.startsWith("pulumi:"),
    )) {
      assert.equal(r.deletedWith, token, r.name);
    }
  });

  it("serverCount and replicas follow config", async () => {
    const p = await plan("dev", ["serverCount=5"]);
    assert.equal(servers(p).length, 5);
    const values = unwrap(byName(p, "rancher-install-rancher").inputs.values) as Record<
      string,
      unknown
    >;
    assert.equal(values.replicas, 3);
    const one = await plan("dev", ["serverCount=1"]);
    assert.equal(
      (unwrap(byName(one, "rancher-install-rancher").inputs.values) as Record<string, unknown>)
        .replicas,
      1,
    );
    assert.ok(one.warnings.some((w) => w.includes("serverCount is 1")));
  });
});
