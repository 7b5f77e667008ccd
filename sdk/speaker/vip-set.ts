/**
 * The set of VIP addresses a speaker advertises, kept as sorted arrays of
 * address values (4 octets per IPv4 VIP in one typed array, no object or
 * hash entry per VIP), and the difference a new set or a change makes.
 */
import type { IpValue } from "../net";

/** What a change did to the set: the values added and those removed, each in ascending order, IPv4 first. */
export interface VipSetDifference {
  readonly added: readonly IpValue[];
  readonly removed: readonly IpValue[];
}

/** Ascending, without duplicates (sorts `values` in place). */
function sortedUnique4(values: Uint32Array): Uint32Array {
  values.sort();
  let kept = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) values[kept++] = values[i];
  return kept === values.length ? values : values.slice(0, kept);
}

function sortedUnique6(values: bigint[]): bigint[] {
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

/** Appends to `onlyA` the values of sorted `a` not in sorted `b`, and to `onlyB` those of `b` not in `a`. */
function compareSorted<T extends number | bigint>(a: ArrayLike<T>, b: ArrayLike<T>, onlyA: IpValue[], onlyB: IpValue[]): void {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (a[i] < b[j]) onlyA.push(a[i++]);
    else onlyB.push(b[j++]);
  }
  while (i < a.length) onlyA.push(a[i++]);
  while (j < b.length) onlyB.push(b[j++]);
}

/**
 * Writes into `out` the values of sorted `a` and sorted `add` that are not
 * in sorted `remove`, ascending, each once; returns how many.
 */
function merge<T extends number | bigint>(a: ArrayLike<T>, add: ArrayLike<T>, remove: ArrayLike<T>, out: { [i: number]: T }): number {
  let i = 0;
  let j = 0;
  let r = 0;
  let k = 0;
  while (i < a.length || j < add.length) {
    let value: T;
    if (j >= add.length || (i < a.length && a[i] < add[j])) value = a[i++];
    else if (i >= a.length || add[j] < a[i]) value = add[j++];
    else {
      value = a[i++];
      j++;
    }
    while (r < remove.length && remove[r] < value) r++;
    if (r < remove.length && remove[r] === value) continue;
    out[k++] = value;
  }
  return k;
}

/** Splits values by family into a typed array (IPv4) and a list (IPv6), each sorted and without duplicates. */
function split(values: Iterable<IpValue>): [Uint32Array, bigint[]] {
  const v4: number[] = [];
  const v6: bigint[] = [];
  for (const value of values) {
    if (typeof value === "number") v4.push(value);
    else v6.push(value);
  }
  return [sortedUnique4(Uint32Array.from(v4)), sortedUnique6(v6)];
}

/** The advertised VIP addresses. See the module comment. */
export class VipSet {
  private v4: Uint32Array = new Uint32Array(0);
  private v6: bigint[] = [];

  /** How many VIPs are in the set. */
  get size(): number {
    return this.v4.length + this.v6.length;
  }

  /** The values, ascending, IPv4 first. */
  values(): IpValue[] {
    return [...this.v4, ...this.v6];
  }

  /** Makes `values` (duplicates allowed) the whole set; returns the difference from the set before. */
  replace(values: Iterable<IpValue>): VipSetDifference {
    const [v4, v6] = split(values);
    return this.become(v4, v6);
  }

  /** Adds `announce` and removes `withdraw` (a value in both is removed); costs a pass over the set plus sorting the change. */
  change(announce: Iterable<IpValue>, withdraw: Iterable<IpValue>): VipSetDifference {
    const [new4, new6] = split(announce);
    const [gone4, gone6] = split(withdraw);
    const v4 = new Uint32Array(this.v4.length + new4.length);
    const v6: bigint[] = [];
    const count4 = merge(this.v4, new4, gone4, v4);
    merge(this.v6, new6, gone6, v6);
    return this.become(v4.subarray(0, count4), v6);
  }

  private become(v4: Uint32Array, v6: bigint[]): VipSetDifference {
    const added: IpValue[] = [];
    const removed: IpValue[] = [];
    compareSorted(this.v4, v4, removed, added);
    compareSorted(this.v6, v6, removed, added);
    this.v4 = v4;
    this.v6 = v6;
    return { added, removed };
  }
}
