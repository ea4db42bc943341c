/**
 * The `fields` dimension of a data request, cut into cells.
 *
 * What a rule sees of the requested fields is (a) for its field-level criteria (`sensitivity`,
 * `category`, `contains`) whether SOME field passes them, and (b) for `any`/`all` the set of
 * named fields present. So a field's abstract type is its pass-vector over the distinct
 * criteria, found by trying every sensitivity and category the rules mention (plus another one
 * and none) with every subset of the `contains` tags; a request is a union of such vectors
 * (one per field) and a set of mentioned names. Names that appear in exactly the same `any` and
 * `all` lists are interchangeable (a "name group"), so per group only "none", "some but not
 * all" and "all" are told apart, and regions speak of groups ("fields include phone or fax").
 * `masking.rules` names do not take part: they change masks, never the action.
 * The empty field list is a request too.
 */
import type { RequestedField } from "../engine/data/types.js";
import { stableStringify } from "../model/merge/index.js";
import { freshValue, orList, uniqueVectors } from "./data-space.js";
import type { Assignment, DimCell, Dimension, Predicate } from "./data-space.js";

interface Criteria {
  sensitivity?: string[];
  category?: string[];
  contains?: string[];
}

type Attributes = Omit<RequestedField, "name">;

/** A set of fields: the union of their pass-vectors and the field types that realise it. */
interface Union {
  vec: bigint;
  types: number[];
}

const listOf = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : typeof v === "string" ? [v] : [...v]);

function criteriaOf(p: Predicate): Criteria | undefined {
  const f = p.match?.fields;
  if (f === undefined || (f.sensitivity === undefined && f.category === undefined && f.contains === undefined)) return undefined;
  const c: Criteria = {};
  if (f.sensitivity !== undefined) c.sensitivity = listOf(f.sensitivity)!;
  if (f.category !== undefined) c.category = listOf(f.category)!;
  if (f.contains !== undefined) c.contains = [...f.contains];
  return c;
}

/** The evaluator's rule; a field's tags are its `tags` plus its sensitivity and category. */
function passes(c: Criteria, f: Attributes): boolean {
  if (c.sensitivity && !(f.sensitivity !== undefined && c.sensitivity.includes(f.sensitivity))) return false;
  if (c.category && !(f.category !== undefined && c.category.includes(f.category))) return false;
  const tags = [...(f.tags ?? []), ...(f.sensitivity !== undefined ? [f.sensitivity] : []), ...(f.category !== undefined ? [f.category] : [])];
  return c.contains === undefined || c.contains.every((t) => tags.includes(t));
}

function critPhrase(c: Criteria): string {
  const parts: string[] = [];
  if (c.sensitivity) parts.push(`with sensitivity ${orList(c.sensitivity)}`);
  if (c.category) parts.push(`in category ${orList(c.category)}`);
  if (c.contains && c.contains.length > 0) parts.push(`tagged ${orList(c.contains, "and")}`);
  return parts.join(", ");
}

function attributeCount(a: Attributes): number {
  return (a.sensitivity !== undefined ? 1 : 0) + (a.category !== undefined ? 1 : 0) + (a.tags?.length ?? 0);
}

/**
 * Atoms: one per distinct field-level criterion ("some field passes it"), then per name group of
 * `any`/`all` names: "all of them are requested" and "some of them are" (one atom, "it is
 * requested", for a group of one name).
 */
export function fieldsDimension(predicates: readonly Predicate[], options: { maxStates?: number; takenNames?: Iterable<string> } = {}): Dimension<RequestedField[]> {
  const budget = options.maxStates ?? 200_000;
  const reasons: string[] = [];
  const byKey = new Map<string, Criteria>();
  const critOf = predicates.map(criteriaOf);
  for (const c of critOf) if (c) byKey.set(stableStringify(c), c);
  const critKeys = [...byKey.keys()].sort();
  const crits = critKeys.map((k) => byKey.get(k)!);
  const critIndex = critOf.map((c) => (c ? critKeys.indexOf(stableStringify(c)) : -1));
  const names = [...new Set(predicates.flatMap((p) => [...(p.match?.fields?.any ?? []), ...(p.match?.fields?.all ?? [])]))].sort();
  const C = crits.length;

  // the field types: every mentioned sensitivity/category (another one, none) × subsets of the contains tags
  const sens = [...new Set(crits.flatMap((c) => c.sensitivity ?? []))].sort();
  const cats = [...new Set(crits.flatMap((c) => c.category ?? []))].sort();
  const tags = [...new Set(crits.flatMap((c) => c.contains ?? []))].sort();
  const otherAttr = freshValue(new Set([...sens, ...cats, ...tags]));
  let complete = true;
  const typeCount = (sens.length + 2) * (cats.length + 2) * 2 ** tags.length;
  if (typeCount > budget) {
    complete = false;
    reasons.push(`budget: ${typeCount} field types exceed ${budget}`);
  }
  const types: Attributes[] = [];
  for (let t = 0; t < 2 ** tags.length && types.length < budget; t++) {
    for (const s of [undefined, ...sens, otherAttr]) {
      for (const c of [undefined, ...cats, otherAttr]) {
        const a: { sensitivity?: string; category?: string; tags?: string[] } = {};
        if (s !== undefined) a.sensitivity = s;
        if (c !== undefined) a.category = c;
        const ts = tags.filter((_, k) => (t >> k) & 1);
        if (ts.length > 0) a.tags = ts;
        types.push(a);
      }
    }
  }
  types.sort((a, b) => attributeCount(a) - attributeCount(b));
  const vecOf = (a: Attributes) => crits.reduce((v, c, j) => (passes(c, a) ? v | (1n << BigInt(j)) : v), 0n);
  const kinds: Array<{ vec: bigint; attrs: Attributes }> = [];
  const known = new Set<bigint>();
  for (const a of types) {
    const vec = vecOf(a);
    if (known.has(vec)) continue;
    known.add(vec);
    kinds.push({ vec, attrs: a });
  }

  // every union of field types (fewest fields first), then the empty field list
  const unions: Union[] = kinds.map((k, i) => ({ vec: k.vec, types: [i] }));
  const seen = new Set(unions.map((u) => u.vec));
  for (let k = 0; k < unions.length && complete; k++) {
    for (let i = 0; i < kinds.length; i++) {
      const vec = unions[k]!.vec | kinds[i]!.vec;
      if (seen.has(vec)) continue;
      seen.add(vec);
      unions.push({ vec, types: [...unions[k]!.types, i] });
      if (unions.length > budget) {
        complete = false;
        reasons.push(`budget: field combinations exceed ${budget}`);
        break;
      }
    }
  }
  const empty: Union = { vec: 0n, types: [] };

  // name groups: names listed in exactly the same any/all lists; atoms per group: "present" (one name) or "all", "some"
  const signature = (n: string) =>
    predicates.flatMap((p, i) => [...(p.match?.fields?.any?.includes(n) ? [`a${i}`] : []), ...(p.match?.fields?.all?.includes(n) ? [`l${i}`] : [])]).join(",");
  const bySignature = new Map<string, string[]>();
  for (const n of names) bySignature.set(signature(n), [...(bySignature.get(signature(n)) ?? []), n]);
  const groups: Array<{ names: string[]; at: number }> = [];
  let nextAtom = C;
  for (const g of bySignature.values()) {
    groups.push({ names: g, at: nextAtom });
    nextAtom += g.length === 1 ? 1 : 2;
  }
  const atomCount = nextAtom;
  /** A group's choices as (atoms: [all, some] or [present], names present): none, some but not all, all. */
  const choicesOf = (g: { names: string[] }): Array<[boolean[], string[]]> =>
    g.names.length === 1
      ? [
          [[false], []],
          [[true], g.names],
        ]
      : [
          [[false, false], []],
          [[false, true], [g.names[0]!]],
          [[true, true], g.names],
        ];

  /** Every (fields union, names present) that agrees with `kept`, simplest first; `cut` past the budget. */
  function combos(kept: Assignment): { list: Array<{ u: Union; present: string[]; atoms: boolean[] }>; cut: boolean } {
    let choices: Array<{ atoms: boolean[]; present: string[] }> = [{ atoms: [], present: [] }];
    let cut = false;
    for (const g of groups) {
      const options = choicesOf(g).filter(([atoms]) => atoms.every((a, k) => kept[g.at + k] === undefined || kept[g.at + k] === a));
      choices = choices.flatMap((c) => options.map(([atoms, present]) => ({ atoms: [...c.atoms, ...atoms], present: [...c.present, ...present] })));
      if (choices.length * (unions.length + 1) > budget) {
        choices = choices.slice(0, Math.max(1, Math.floor(budget / (unions.length + 1))));
        cut = true;
      }
    }
    const out: Array<{ u: Union; present: string[]; atoms: boolean[]; cost: number }> = [];
    for (const choice of choices) {
      for (const u of [...unions, empty]) {
        if (u === empty && choice.present.length > 0) continue;
        const bits = crits.map((_, j) => ((u.vec >> BigInt(j)) & 1n) === 1n);
        if (!bits.every((b, j) => kept[j] === undefined || kept[j] === b)) continue;
        // the empty list last: a request with no fields is real but unusual
        const size = Math.max(u.types.length, choice.present.length);
        const cost = u === empty ? Infinity : size * 1000 + choice.present.length * 10 + u.types.reduce((s, t) => s + attributeCount(kinds[t]!.attrs), 0);
        out.push({ u, present: [...choice.present].sort(), atoms: [...bits, ...choice.atoms], cost });
      }
    }
    return { list: out.sort((a, b) => a.cost - b.cost), cut };
  }

  const vectorOf = (u: Union, present: readonly string[]) => {
    let vec = 0n;
    predicates.forEach((p, i) => {
      const j = critIndex[i]!;
      const any = p.match?.fields?.any;
      const all = p.match?.fields?.all;
      const ok =
        (j < 0 || ((u.vec >> BigInt(j)) & 1n) === 1n) && (any === undefined || any.some((n) => present.includes(n))) && (all === undefined || all.every((n) => present.includes(n)));
      if (ok) vec |= 1n << BigInt(i);
    });
    return vec;
  };

  const taken = new Set([...names, ...(options.takenNames ?? [])]);
  const witness = (u: Union, present: readonly string[]): RequestedField[] => {
    const attrs = u.types.map((t) => kinds[t]!.attrs);
    while (attrs.length < present.length) attrs.push(attrs[0]!);
    const used = new Set(taken);
    return attrs.map((a, k) => {
      const name = k < present.length ? present[k]! : freshValue(used);
      used.add(name);
      return { name, ...a, ...(a.tags ? { tags: [...a.tags] } : {}) };
    });
  };

  const asked = new Map<string, bigint[] | undefined>();
  const all = combos(new Array<undefined>(atomCount).fill(undefined));
  if (all.cut) {
    complete = false;
    reasons.push(`budget: field name combinations exceed ${budget}`);
  }
  const cells: DimCell<RequestedField[]>[] = all.list.map(({ u, present, atoms }) => ({ vec: vectorOf(u, present), value: witness(u, present), atoms }));

  return {
    key: "fields",
    cells,
    complete,
    reasons,
    atomsOf: (fields) => {
      const present = (n: string) => fields.some((f) => f.name === n);
      return [
        ...crits.map((c) => fields.some((f) => passes(c, f))),
        ...groups.flatMap((g) => (g.names.length === 1 ? [present(g.names[0]!)] : [g.names.every(present), g.names.some(present)])),
      ];
    },
    vectorsUnder: (kept) => {
      if (!complete) return undefined;
      // growing regions asks the same questions again and again
      const key = kept.map((k) => (k === undefined ? "-" : k ? "1" : "0")).join("");
      if (!asked.has(key)) {
        const { list, cut } = combos(kept);
        asked.set(key, cut ? undefined : uniqueVectors(list.map(({ u, present }) => vectorOf(u, present))));
      }
      return asked.get(key);
    },
    phrase: (kept) => {
      const parts = crits.flatMap((c, j) => {
        if (kept[j] === undefined) return [];
        const what = critPhrase(c);
        return [kept[j] ? (what ? `a field ${what}` : "some field") : what ? `no field ${what}` : "no fields"];
      });
      const include: string[] = [];
      const exclude: string[] = [];
      for (const g of groups) {
        // "some" is released before "all" when a region grows, so "miss one of" beats "exclude"
        const every = kept[g.at];
        const some = g.names.length === 1 ? every : kept[g.at + 1];
        const list = (word: string) => orList(g.names, word);
        if (every === true) include.push(...g.names);
        else if (some === false) exclude.push(...g.names);
        else if (some === true && every === false) parts.push(`fields include some but not all of ${list("and")}`);
        else if (some === true) parts.push(`fields include ${list("or")}`);
        else if (every === false) parts.push(`fields miss one of ${list("or")}`);
      }
      if (include.length > 0) parts.push(`fields include ${orList(include, "and")}`);
      if (exclude.length > 0) parts.push(`fields exclude ${orList(exclude, "and")}`);
      return parts.join("; ");
    },
  };
}
