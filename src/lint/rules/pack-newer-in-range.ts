import semver from "semver";
import { getAtPointer } from "../../model/pointer.js";
import { installedPacksOf } from "../../pack/index.js";
import { defineRule } from "../rule.js";

/** The range an installed pack upgrades within: the recorded one, else compatible with what is installed. */
export function upgradeRange(recorded: unknown, installed: string): string {
  return typeof recorded === "string" && semver.validRange(recorded) !== null ? recorded : `^${installed}`;
}

export default defineRule(
  {
    id: "pack-newer-in-range",
    category: "structure",
    severity: "info",
    description:
      "A pack installed from a configured source has a newer version there within its range (the range recorded at install, else `^` the installed version). Nothing changes by itself: governance changes only when someone runs `edict pack upgrade <pack>`, which prints the effective-policy diff before applying it. Reported only when `edict lint` could read the source.",
  },
  (ctx) => {
    const offers = ctx.options.sourceOffers;
    if (!offers) return;
    const state = installedPacksOf(ctx.repo);
    if (!state) return;
    for (const p of state.packs) {
      const source = getAtPointer(state.file.source.value, `${p.pointer}/source`);
      const installed = p.version === undefined ? null : semver.valid(p.version);
      if (typeof source !== "string" || installed === null) continue;
      const offered = offers.get(source);
      if (!offered || !Array.isArray(offered)) continue;
      const range = upgradeRange(getAtPointer(state.file.source.value, `${p.pointer}/range`), installed);
      let newest: string | undefined;
      for (const o of offered as readonly { name: string; version: string }[]) {
        const v = o.name === p.name ? semver.valid(o.version) : null;
        if (v === null || !semver.gt(v, installed) || !semver.satisfies(v, range)) continue;
        if (newest === undefined || semver.gt(v, newest)) newest = v;
      }
      if (newest === undefined) continue;
      ctx.report({
        file: state.file,
        pointer: p.pointer,
        atKey: true,
        message: `pack ${p.name} v${newest} is available from ${source} within ${range} (installed v${p.version})`,
        help: `run \`edict pack upgrade ${p.name} --dry-run\` to see the effective-policy change, then \`edict pack upgrade ${p.name}\``,
      });
    }
  },
);
