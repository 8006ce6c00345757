// Registers a few components on Pulumi's mock runtime and records what the engine would see,
// including the options the plan recorder does not keep (retainOnDelete).
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { installRecordingMocks, placeholderMocks, RecordedResource } from "../../plan/mocks";
import { Secret } from "../../plan/values";

export interface ComponentPlan {
  resources: RecordedResource[];
  /** retainOnDelete as registered, by resource name (absent: not set). */
  retainOnDelete: Record<string, boolean | undefined>;
  outputs: Record<string, unknown>;
}

/** S3 and IAM as the provider answers them: auto-named bucket, its real ARN form. */
export function backupMocks(region = "eu-west-1"): pulumi.runtime.Mocks {
  const base = placeholderMocks(region);
  return {
    newResource(args) {
      const r = base.newResource(args) as { id: string; state: Record<string, unknown> };
      if (args.type === "aws:s3/bucket:Bucket") {
        const name = (args.inputs.bucket as string | undefined) ?? `${args.name}-0a1b2c3`;
        Object.assign(r.state, { bucket: name, arn: `arn:aws:s3:::${name}`, region });
        return { id: name, state: r.state };
      }
      if (args.type === "random:index/randomBytes:RandomBytes") {
        // 32 bytes as base64, recognisably fake.
        r.state.base64 = Buffer.alloc(Number(args.inputs.length), 7).toString("base64");
        r.state.hex = Buffer.alloc(Number(args.inputs.length), 7).toString("hex");
      }
      return r;
    },
    call: (args) => base.call(args),
  };
}

interface RetainRequest {
  getName(): string;
  getRetainondelete(): boolean | undefined;
  hasRetainondelete?(): boolean;
}

let running: Promise<unknown> = Promise.resolve();

/** Runs `build` on the mock runtime (serialised: the runtime is process-global). */
export function planComponents(
  build: () => Record<string, pulumi.Output<unknown>> | void,
  mocks: pulumi.runtime.Mocks = backupMocks(),
): Promise<ComponentPlan> {
  const next = running.then(async () => {
    const recorder = await installRecordingMocks(mocks, "rancher-ha", "test");
    const monitor = settings.getMonitor() as unknown as {
      registerResource(req: unknown, cb: unknown): unknown;
    };
    const register = monitor.registerResource.bind(monitor);
    const retainOnDelete: Record<string, boolean | undefined> = {};
    monitor.registerResource = (req, cb) => {
      const r = req as RetainRequest;
      const set = r.hasRetainondelete ? r.hasRetainondelete() : r.getRetainondelete() !== undefined;
      retainOnDelete[r.getName()] = set ? r.getRetainondelete() : undefined;
      return register(req, cb);
    };
    const outputs = build() ?? {};
    const resolved: Record<string, unknown> = {};
    for (const [k, o] of Object.entries(outputs)) {
      const internals = o as unknown as {
        promise(withUnknowns?: boolean): Promise<unknown>;
        isSecret: Promise<boolean>;
      };
      const [value, secret] = await Promise.all([internals.promise(true), internals.isSecret]);
      resolved[k] = secret ? new Secret(value) : value;
    }
    await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return { resources: recorder.recorded, retainOnDelete, outputs: resolved };
  });
  running = next.catch(() => undefined);
  return next;
}

export function named(p: ComponentPlan, name: string): RecordedResource {
  const found = p.resources.filter((r) => r.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one resource named ${name}, found ${found.length}: ${p.resources.map((r) => r.name).join(", ")}`,
    );
  }
  return found[0];
}

/** The parsed JSON of a policy input (a string, possibly secret-wrapped). */
export function json(v: unknown): any {
  const s = v instanceof Secret ? v.value : v;
  if (typeof s !== "string") throw new Error(`not a JSON string: ${JSON.stringify(s)}`);
  return JSON.parse(s);
}
