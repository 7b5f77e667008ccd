import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered with the (mock) engine. */
export interface RegisteredResource {
  /** Type token, e.g. `kubernetes:networking.gke.io/v1:BGPPeer` or `bgplb:index:BgpPeer`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Inputs exactly as the engine received them (secrets unwrapped by the mock monitor). */
  readonly inputs: Record<string, unknown>;
  /** Provider reference (`urn::id`) when one was passed. */
  readonly provider?: string;
  /** True for custom resources, false for components. */
  readonly custom: boolean;
}

/**
 * Mocks that record every registration. Custom resources echo their inputs as
 * state (that is what the Kubernetes provider and our dynamic provider do for
 * the fields we read).
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
  /** Everything registered so far, in registration order. */
  readonly resources: RegisteredResource[] = [];

  /** Records the registration and returns its inputs as state. */
  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const inputs = args.inputs as Record<string, unknown>;
    this.resources.push({ type: args.type, name: args.name, inputs, provider: args.provider, custom: args.custom ?? false });
    return { id: args.custom ? `${args.name}-id` : undefined, state: inputs };
  }

  /** No provider functions are called by bgplb; echo the inputs. */
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    return args.inputs as Record<string, unknown>;
  }

  /** Registered resources of one type token. */
  ofType(type: string): RegisteredResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The single registered resource with this type and name; throws when absent. */
  one(type: string, name: string): RegisteredResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      const seen = this.resources.map((r) => `${r.type} ${r.name}`).join("\n  ");
      throw new Error(`expected one ${type} named ${name}, found ${found.length}; registered:\n  ${seen}`);
    }
    return found[0];
  }
}

/** Installs fresh recording mocks (not a preview) and returns them. */
export async function installMocks(project = "bgplb-test", stack = "test"): Promise<RecordingMocks> {
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, project, stack, false);
  return mocks;
}

/** Resolves an output to its value (known or not, secret or not). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Resolves whether an output is marked secret. */
export function isSecretOutput<T>(output: pulumi.Output<T>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** Waits until every registration the program started has reached the mock monitor. */
export async function settle(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}

/** The Kubernetes custom resources registered, keyed by `kind namespace/name`, as the provider receives them. */
export function appliedObjects(mocks: RecordingMocks): Map<string, Record<string, unknown>> {
  const applied = new Map<string, Record<string, unknown>>();
  for (const resource of mocks.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"))) {
    const metadata = resource.inputs.metadata as { name: string; namespace?: string };
    applied.set(`${String(resource.inputs.kind)} ${metadata.namespace ?? ""}/${metadata.name}`, resource.inputs);
  }
  return applied;
}
