import { BFD_LIMITS } from "../../model";
import { RULES } from "../catalogue";
import type { Inventory } from "../inventory";
import type { Reporter } from "../report";

const FIELDS = [
  ["receiveInterval", RULES.bfdIntervalRange, " ms"],
  ["transmitInterval", RULES.bfdIntervalRange, " ms"],
  ["echoInterval", RULES.bfdIntervalRange, " ms"],
  ["detectMultiplier", RULES.bfdMultiplierRange, ""],
  ["minimumTtl", RULES.bfdMinimumTtlRange, ""],
] as const;

/** MetalLB BFDProfile values within the ranges BFD (and MetalLB) accept. */
export function checkBfdProfiles(inventory: Inventory, reporter: Reporter): void {
  for (const profile of inventory.topology.bfdProfiles) {
    for (const [field, rule, unit] of FIELDS) {
      const value = profile.spec[field];
      if (value === undefined) continue;
      const { min, max } = BFD_LIMITS[field];
      if (!Number.isInteger(value) || value < min || value > max) {
        reporter.report(rule, profile, ["spec", field], `${field} ${value}${unit} is outside ${min}-${max}${unit}`, `use a value between ${min} and ${max}${unit}`);
      }
    }
  }
}
