import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

/** MetalLB's verdict on a case: does it take the objects or refuse them. */
export type Verdict = "accept" | "reject";

/** One row of test/validate/metallb-parity/table.yaml. */
export interface ParityCase {
  /** The case file, cases/<case>.yaml. */
  readonly case: string;
  /** The issue 16 item the case covers; 0 for a rule bgplb already had (a check of the oracle). */
  readonly item: number;
  /** What the case tries, in a few words. */
  readonly rule: string;
  /** MetalLB's verdict, which `bgplb validate` must give. */
  readonly metallb: Verdict;
  /** The verdict of the oracle (the webhooks of MetalLB v0.15.2 with the CRDs of v0.16.2) when it differs from {@link metallb}. */
  readonly oracle?: Verdict;
  /** Why the oracle differs, or what MetalLB itself is ambiguous about. */
  readonly note?: string;
}

/** The folder of the parity table (this file runs from dist/test/validate). */
export const parityDir = path.resolve(__dirname, "../../../test/validate/metallb-parity");

/** The path of the YAML file of a case. */
export function caseFile(row: ParityCase): string {
  return path.join(parityDir, "cases", `${row.case}.yaml`);
}

function isVerdict(value: unknown): value is Verdict {
  return value === "accept" || value === "reject";
}

/** The rows of the parity table; throws naming the row when one is malformed. */
export function parityTable(): readonly ParityCase[] {
  const rows: unknown = parse(readFileSync(path.join(parityDir, "table.yaml"), "utf8"));
  if (!Array.isArray(rows)) throw new Error("metallb-parity/table.yaml: expected a list of cases");
  return rows.map((row: Record<string, unknown>, index) => {
    if (
      typeof row["case"] !== "string" ||
      typeof row["item"] !== "number" ||
      typeof row["rule"] !== "string" ||
      !isVerdict(row["metallb"]) ||
      (row["oracle"] !== undefined && !isVerdict(row["oracle"]))
    ) {
      throw new Error(`metallb-parity/table.yaml: row ${index + 1} (${JSON.stringify(row)}) needs case, item, rule, metallb and an optional oracle verdict`);
    }
    return row as unknown as ParityCase;
  });
}
