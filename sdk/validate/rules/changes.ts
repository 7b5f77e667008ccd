import { formatObjectKey, formatPath, objectKey, topologyObjects, type Topology } from "../../model";
import { RULES } from "../catalogue";
import type { Inventory } from "../inventory";
import type { Reporter } from "../report";
import { valueAt } from "./common";
import { IMMUTABLE_AFTER_CREATION } from "../../schema";
import { echoValue } from "../../manifest/echo";

/** The kinds with not-updatable fields, by apiVersion. */
const KINDS_WITH_IMMUTABLE_FIELDS = new Map<string, Set<string>>();
for (const field of IMMUTABLE_AFTER_CREATION) {
  const kinds = KINDS_WITH_IMMUTABLE_FIELDS.get(field.apiVersion) ?? new Set<string>();
  kinds.add(field.kind);
  KINDS_WITH_IMMUTABLE_FIELDS.set(field.apiVersion, kinds);
}

/** Changes, against the previous topology, to fields that cannot be updated after creation. */
export function checkChanges(inventory: Inventory, reporter: Reporter, previous: Topology | undefined): void {
  const current = topologyObjects(inventory.topology);
  const concerned = current.filter((object) => KINDS_WITH_IMMUTABLE_FIELDS.get(object.apiVersion)?.has(object.kind) === true);
  if (previous === undefined) {
    const fixed = concerned.filter((object) =>
      IMMUTABLE_AFTER_CREATION.some((f) => f.apiVersion === object.apiVersion && f.kind === object.kind && valueAt(object, f.path) !== undefined),
    );
    for (const object of fixed) {
      reporter.skipped(
        RULES.immutableFieldChanged,
        object,
        ["spec"],
        "cannot check for changes to fields that are fixed after creation: no previous topology was given",
        "pass the manifests as applied before this change: bgplb validate --previous FILE|DIR, or the previous option of validate()",
      );
    }
    return;
  }
  const before = new Map(topologyObjects(previous).map((object) => [formatObjectKey(objectKey(object)), object]));
  for (const object of concerned) {
    const old = before.get(formatObjectKey(objectKey(object)));
    if (old === undefined) continue;
    for (const field of IMMUTABLE_AFTER_CREATION) {
      if (field.apiVersion !== object.apiVersion || field.kind !== object.kind) continue;
      const was = valueAt(old, field.path);
      const now = valueAt(object, field.path);
      if (JSON.stringify(was) === JSON.stringify(now)) continue;
      reporter.report(
        RULES.immutableFieldChanged,
        object,
        field.path,
        `${formatPath(field.path)} changes from ${echoValue(was)} to ${echoValue(now)}: ${field.reason}`,
        `keep the applied value, or recreate the ${object.kind} to change it`,
      );
    }
  }
}
