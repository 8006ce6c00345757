import { strict as assert } from "node:assert";
import { parse, parseAllDocuments } from "yaml";
import {
  BACKEND_IDLE_MARGIN_SECONDS,
  renderIngressHelmChartConfig,
  type IngressFrontEnd,
  type IngressHelmChartConfigArgs,
} from "../components/frontend/ingressHelmChartConfig";
import {
  INGRESS_CONTROLLERS,
  LOAD_BALANCER_MODES,
  type IngressController,
  type LoadBalancerMode,
} from "../components/rke2/render";
import { at } from "./reference";

const VPC = "10.20.0.0/16";

interface Rendered {
  fileName: string;
  doc: unknown;
  values: unknown;
}

/** The front end of a mode, with the ALB's idle timeout the fixture stacks use in l7. */
function frontEnd(mode: LoadBalancerMode): IngressFrontEnd {
  return mode === "l7" ? { mode, idleTimeoutSeconds: 1800 } : { mode };
}

function render(ingressController: IngressController, mode: LoadBalancerMode): Rendered {
  const out = renderIngressHelmChartConfig({
    ...frontEnd(mode),
    ingressController,
    trustedCidrs: [VPC],
  });
  const docs = parseAllDocuments(out.manifest);
  assert.equal(docs.length, 1, "one YAML document");
  const doc: unknown = parse(out.manifest);
  const valuesContent = at(doc, "spec", "valuesContent");
  assert.equal(typeof valuesContent, "string", "spec.valuesContent is a YAML string");
  return { fileName: out.fileName, doc, values: parse(valuesContent as string) };
}

const EXPECTED: Record<IngressController, Record<LoadBalancerMode, unknown>> = {
  traefik: {
    l7: {
      ports: {
        web: {
          forwardedHeaders: { trustedIPs: [VPC], insecure: false },
          transport: { respondingTimeouts: { idleTimeout: "1860s" } },
        },
      },
      ingressRoute: { healthcheck: { enabled: true, entryPoints: ["web"] } },
    },
    l4: {
      ports: { web: { forwardedHeaders: { trustedIPs: [], insecure: false } } },
      ingressRoute: { healthcheck: { enabled: false, entryPoints: ["web"] } },
    },
  },
  "ingress-nginx": {
    l7: {
      controller: {
        config: {
          "use-forwarded-headers": "true",
          "proxy-real-ip-cidr": VPC,
          "keep-alive": "1860",
        },
      },
    },
    l4: { controller: { config: { "use-forwarded-headers": "false" } } },
  },
};

describe("ingress HelmChartConfig", () => {
  it("is a HelmChartConfig for the packaged chart in kube-system", () => {
    const chart: Record<IngressController, string> = {
      traefik: "rke2-traefik",
      "ingress-nginx": "rke2-ingress-nginx",
    };
    for (const controller of INGRESS_CONTROLLERS) {
      for (const mode of LOAD_BALANCER_MODES) {
        const { doc } = render(controller, mode);
        assert.equal(at(doc, "apiVersion"), "helm.cattle.io/v1");
        assert.equal(at(doc, "kind"), "HelmChartConfig");
        assert.equal(at(doc, "metadata", "namespace"), "kube-system");
        assert.equal(at(doc, "metadata", "name"), chart[controller], `${controller}/${mode}`);
      }
    }
  });

  it("has exactly the expected values per controller and mode", () => {
    for (const controller of INGRESS_CONTROLLERS) {
      for (const mode of LOAD_BALANCER_MODES) {
        assert.deepEqual(
          render(controller, mode).values,
          EXPECTED[controller][mode],
          `${controller}/${mode}`,
        );
      }
    }
  });

  it("l7 traefik trusts the VPC on the web entrypoint, never insecurely", () => {
    const web = at(render("traefik", "l7").values, "ports", "web");
    assert.deepEqual(at(web, "forwardedHeaders", "trustedIPs"), [VPC]);
    assert.notEqual(at(web, "forwardedHeaders", "insecure"), true);
    assert.equal(at(web, "http", "redirections", "entryPoint", "to"), undefined, "no redirect");
  });

  it("l7 traefik answers the ALB health check: /ping served on the web entrypoint", () => {
    const hc = at(render("traefik", "l7").values, "ingressRoute", "healthcheck");
    assert.equal(at(hc, "enabled"), true);
    assert.deepEqual(at(hc, "entryPoints"), ["web"]);
  });

  it('l7 ingress-nginx trusts forwarded headers as the string "true"', () => {
    const config = at(render("ingress-nginx", "l7").values, "controller", "config");
    assert.equal(at(config, "use-forwarded-headers"), "true");
    assert.equal(at(config, "proxy-real-ip-cidr"), VPC);
  });

  it("l4 trusts no forwarded headers, so switching l7→l4 reverts the trust", () => {
    const traefik = at(render("traefik", "l4").values, "ports", "web", "forwardedHeaders");
    assert.deepEqual(at(traefik, "trustedIPs"), []);
    assert.equal(at(traefik, "insecure"), false);
    const nginx = at(render("ingress-nginx", "l4").values, "controller", "config");
    assert.equal(at(nginx, "use-forwarded-headers"), "false");
    assert.equal(at(nginx, "proxy-real-ip-cidr"), undefined);
    for (const controller of INGRESS_CONTROLLERS) {
      const { manifest } = renderIngressHelmChartConfig({
        ingressController: controller,
        mode: "l4",
        trustedCidrs: [VPC],
      });
      assert.ok(!manifest.includes(VPC), `${controller} l4 mentions the VPC CIDR`);
    }
  });

  it("l7 keeps idle connections open longer than the ALB (no 502 on a connection it just closed)", () => {
    const idle = (c: IngressController, idleTimeoutSeconds: number) => {
      const { manifest } = renderIngressHelmChartConfig({
        ingressController: c,
        mode: "l7",
        trustedCidrs: [VPC],
        idleTimeoutSeconds,
      });
      const values = parse(at(parse(manifest), "spec", "valuesContent") as string) as unknown;
      return c === "traefik"
        ? at(values, "ports", "web", "transport", "respondingTimeouts", "idleTimeout")
        : at(values, "controller", "config", "keep-alive");
    };
    // Defaults the controllers would use otherwise: Traefik 180 s, ingress-nginx 75 s.
    assert.equal(idle("traefik", 1800), `${1800 + BACKEND_IDLE_MARGIN_SECONDS}s`);
    assert.equal(idle("ingress-nginx", 1800), String(1800 + BACKEND_IDLE_MARGIN_SECONDS));
    assert.equal(idle("traefik", 600), "660s", "follows idleTimeoutSeconds");
    assert.equal(idle("ingress-nginx", 60), "120");
  });

  it("uses one file name for both modes, so a switch overwrites the file", () => {
    for (const controller of INGRESS_CONTROLLERS) {
      const l4 = render(controller, "l4").fileName;
      assert.equal(render(controller, "l7").fileName, l4);
      assert.match(l4, /^[a-z0-9-]+\.yaml$/);
    }
  });

  it("is deterministic", () => {
    const args: IngressHelmChartConfigArgs = {
      ingressController: "traefik",
      mode: "l7",
      trustedCidrs: [VPC],
      idleTimeoutSeconds: 1800,
    };
    assert.equal(
      renderIngressHelmChartConfig(args).manifest,
      renderIngressHelmChartConfig({ ...args }).manifest,
    );
  });

  it("trusts every range the load balancer sits in (subnets in secondary VPC CIDRs), each once", () => {
    const trustedCidrs = ["10.20.0.0/24", "100.64.1.0/24", "10.20.0.0/24"];
    const values = (c: IngressController): unknown => {
      const { manifest } = renderIngressHelmChartConfig({
        ingressController: c,
        mode: "l7",
        trustedCidrs,
        idleTimeoutSeconds: 1800,
      });
      return parse(at(parse(manifest), "spec", "valuesContent") as string);
    };
    assert.deepEqual(at(values("traefik"), "ports", "web", "forwardedHeaders", "trustedIPs"), [
      "10.20.0.0/24",
      "100.64.1.0/24",
    ]);
    assert.equal(
      at(values("ingress-nginx"), "controller", "config", "proxy-real-ip-cidr"),
      "10.20.0.0/24,100.64.1.0/24",
    );
  });

  it("validates trustedCidrs as IPv4 CIDRs", () => {
    const bad = [
      "",
      "10.0.0.0",
      "10.0.0.0/33",
      "10.0.0.256/16",
      "10.0.0/16",
      "010.0.0.0/16",
      "10.0.0.1/16",
      "0.0.0.0/0",
      "fd00::/8",
      "10.0.0.0/16 ",
      "vpc-123",
    ];
    for (const cidr of bad) {
      for (const controller of INGRESS_CONTROLLERS) {
        assert.throws(
          () =>
            renderIngressHelmChartConfig({
              ingressController: controller,
              mode: "l7",
              trustedCidrs: [VPC, cidr],
              idleTimeoutSeconds: 1800,
            }),
          /trustedCidrs/,
          JSON.stringify(cidr),
        );
      }
    }
    assert.throws(
      () =>
        renderIngressHelmChartConfig({
          ingressController: "traefik",
          mode: "l7",
          idleTimeoutSeconds: 1800,
          trustedCidrs: [],
        }),
      /trustedCidrs must list/,
    );
    const good = ["10.0.0.0/16", "172.31.0.0/16", "192.168.10.0/24", "10.1.2.3/32"];
    renderIngressHelmChartConfig({
      ingressController: "traefik",
      mode: "l7",
      trustedCidrs: good,
      idleTimeoutSeconds: 1800,
    });
  });
});
