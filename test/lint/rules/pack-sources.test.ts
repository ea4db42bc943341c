import { describe, expect, it } from "vitest";
import { generateKeyPair, toPrivateKeyPem, toPublicKeyPem } from "../../../src/bundle/keys.js";
import { runLint } from "../../../src/lint/engine.js";
import type { Finding } from "../../../src/lint/finding.js";
import { RULES } from "../../../src/lint/registry.js";
import type { LintOptions, Rule } from "../../../src/lint/rule.js";
import packNewerInRange from "../../../src/lint/rules/pack-newer-in-range.js";
import packSourceDuplicateName from "../../../src/lint/rules/pack-source-duplicate-name.js";
import packSourceInvalidKey from "../../../src/lint/rules/pack-source-invalid-key.js";
import packSourceKindUnclear from "../../../src/lint/rules/pack-source-kind-unclear.js";
import packSourceReservedName from "../../../src/lint/rules/pack-source-reserved-name.js";
import packSourceUnreachable from "../../../src/lint/rules/pack-source-unreachable.js";
import packSourceUnusedToken from "../../../src/lint/rules/pack-source-unused-token.js";
import packSourceWithoutKeys from "../../../src/lint/rules/pack-source-without-keys.js";
import type { PackOffer } from "../../../src/pack/sources/types.js";
import { CONFIG, repoOf } from "../../helpers/repo.js";

const SOURCE_RULES: readonly Rule[] = [
  packSourceWithoutKeys,
  packSourceKindUnclear,
  packSourceDuplicateName,
  packSourceReservedName,
  packSourceInvalidKey,
  packSourceUnusedToken,
  packSourceUnreachable,
  packNewerInRange,
];

/** edict.yaml with `packs:` written after the helper's config (so line numbers start at 6). */
const config = (packs: string): string => `${CONFIG}packs:\n${packs}`;

function lint(rule: Rule, files: Record<string, string>, options: LintOptions = {}): Finding[] {
  return runLint(repoOf(files), { rules: [rule], ...options }).findings;
}

const at = (f: readonly Finding[]) => f.map((x) => `${x.file}:${x.line}:${x.column} ${x.severity}`);

const PUBLIC_PEM = toPublicKeyPem(generateKeyPair().publicKey);

const GOOD = config(`  sources:
    - name: acme
      url: https://packs.acme.example/edict/index.json
      keys: [keys/acme.pub]
      token_env: ACME_PACKS_TOKEN
    - name: shared
      git: https://github.com/acme/edict-packs.git
      ref: main
`);

const offer = (name: string, version: string, source = "acme"): PackOffer => ({ name, version, layer: "foundation", dependencies: [], source });

describe("pack source rules", () => {
  it("are registered with a description", () => {
    for (const rule of SOURCE_RULES) {
      expect(RULES).toContain(rule);
      expect(rule.meta.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.meta.description.length).toBeGreaterThan(80);
    }
  });

  it.each(SOURCE_RULES.map((r) => [r.meta.id, r] as const))("%s passes a sound configuration", (_id, rule) => {
    const options: LintOptions = {
      sourceKeys: new Map([["keys/acme.pub", PUBLIC_PEM]]),
      sourceOffers: new Map([["acme", [offer("starter", "1.0.0")]], ["shared", []]]),
    };
    expect(lint(rule, { "edict.yaml": GOOD }, options)).toEqual([]);
  });

  it("the whole rule set accepts sources without schema findings", () => {
    const findings = runLint(repoOf({ "edict.yaml": GOOD }), { rules: RULES }).findings;
    expect(findings).toEqual([]);
  });
});

describe("packs.sources schema", () => {
  it("reports an unknown key of a source with a suggestion", () => {
    const yaml = config(`  sources:
    - name: acme
      url: https://packs.acme.example/index.json
      keys: [keys/acme.pub]
      tokn_env: ACME_TOKEN
`);
    const f = runLint(repoOf({ "edict.yaml": yaml }), { rules: RULES }).findings.filter((x) => x.rule === "unknown-key");
    expect(at(f)).toEqual(["edict.yaml:11:7 error"]);
    expect(f[0]!.path).toBe("packs.sources[0].tokn_env");
    expect(f[0]!.message).toContain('did you mean "token_env"?');
  });

  it("requires a name, a NAME-shaped name and an environment variable name in token_env", () => {
    const yaml = config(`  sources:
    - url: https://packs.acme.example/index.json
      keys: [keys/acme.pub]
    - name: Acme Packs
      url: https://x.example/index.json
      keys: [k.pub]
      token_env: not-a-var
`);
    const f = runLint(repoOf({ "edict.yaml": yaml }), { rules: RULES }).findings;
    expect(f.map((x) => `${x.rule} ${x.path} ${x.line}:${x.column}`)).toEqual([
      "missing-required packs.sources[0] 8:7",
      "invalid-value packs.sources[1].name 10:13",
      "invalid-value packs.sources[1].token_env 13:18",
    ]);
  });

  it("types keys as a list of strings", () => {
    const yaml = config(`  sources:
    - name: acme
      url: https://packs.acme.example/index.json
      keys: keys/acme.pub
`);
    const f = runLint(repoOf({ "edict.yaml": yaml }), { rules: RULES }).findings;
    expect(f.map((x) => `${x.rule} ${x.path} ${x.line}:${x.column}`)).toContain("invalid-type packs.sources[0].keys 10:13");
  });

  it("gives the typed config the sources", () => {
    const repo = repoOf({ "edict.yaml": GOOD });
    expect(repo.config?.value.packs?.sources).toEqual([
      { name: "acme", url: "https://packs.acme.example/edict/index.json", keys: ["keys/acme.pub"], token_env: "ACME_PACKS_TOKEN" },
      { name: "shared", git: "https://github.com/acme/edict-packs.git", ref: "main" },
    ]);
  });
});

describe("pack-source-without-keys", () => {
  it("reports a url source without keys at its url key", () => {
    const f = lint(packSourceWithoutKeys, { "edict.yaml": config(`  sources:\n    - name: acme\n      url: https://packs.acme.example/index.json\n`) });
    expect(at(f)).toEqual(["edict.yaml:9:7 error"]);
    expect(f[0]!.message).toBe("acme has a url but no keys: every pack from a url source must be signed by one of its keys");
  });

  it("reports an empty keys list at keys", () => {
    const f = lint(packSourceWithoutKeys, { "edict.yaml": config(`  sources:\n    - name: acme\n      url: file:///srv/index.json\n      keys: []\n`) });
    expect(at(f)).toEqual(["edict.yaml:10:7 error"]);
  });

  it("leaves git sources alone", () => {
    expect(lint(packSourceWithoutKeys, { "edict.yaml": config(`  sources:\n    - name: shared\n      git: ../packs.git\n`) })).toEqual([]);
  });
});

describe("pack-source-kind-unclear", () => {
  it("reports both url and git at git", () => {
    const f = lint(packSourceKindUnclear, {
      "edict.yaml": config(`  sources:\n    - name: acme\n      url: https://a.example/index.json\n      keys: [k.pub]\n      git: https://a.example/packs.git\n`),
    });
    expect(at(f)).toEqual(["edict.yaml:11:7 error"]);
    expect(f[0]!.message).toBe("acme has both url and git; a source is one or the other");
  });

  it("reports neither url nor git at the name", () => {
    const f = lint(packSourceKindUnclear, { "edict.yaml": config(`  sources:\n    - name: acme\n      ref: main\n`) });
    expect(at(f)).toEqual(["edict.yaml:8:7 error"]);
    expect(f[0]!.message).toBe("acme has neither url nor git, so there is nothing to read packs from");
  });
});

describe("pack-source-duplicate-name", () => {
  it("reports every later use of a name at its value", () => {
    const f = lint(packSourceDuplicateName, {
      "edict.yaml": config(`  sources:
    - name: acme
      git: a.git
    - name: other
      git: b.git
    - name: acme
      git: c.git
    - name: acme
      git: d.git
`),
    });
    expect(at(f)).toEqual(["edict.yaml:12:13 error", "edict.yaml:14:13 error"]);
    expect(f[0]!.message).toBe("source name acme is already used by packs.sources[0]");
  });
});

describe("pack-source-reserved-name", () => {
  it("reports repository and builtin", () => {
    const f = lint(packSourceReservedName, {
      "edict.yaml": config(`  sources:\n    - name: repository\n      git: a.git\n    - name: builtin\n      git: b.git\n`),
    });
    expect(at(f)).toEqual(["edict.yaml:8:13 error", "edict.yaml:10:13 error"]);
    expect(f.map((x) => x.message)).toEqual([
      "source name repository is reserved for the repository's own pack folder",
      "source name builtin is reserved for the library of packs edict ships",
    ]);
  });
});

describe("pack-source-invalid-key", () => {
  const yaml = config(`  sources:
    - name: acme
      url: https://a.example/index.json
      keys:
        - keys/acme.pub
        - keys/missing.pub
        - keys/notes.txt
        - keys/acme.key
`);

  it("reports a missing file and a file that is not a public key, at the list item", () => {
    const privatePem = toPrivateKeyPem(generateKeyPair().privateKey);
    const f = lint(packSourceInvalidKey, { "edict.yaml": yaml }, {
      sourceKeys: new Map<string, string | { error: string }>([
        ["keys/acme.pub", PUBLIC_PEM],
        ["keys/missing.pub", { error: "no such file in the repository" }],
        ["keys/notes.txt", "hello\n"],
        ["keys/acme.key", privatePem],
      ]),
    });
    expect(at(f)).toEqual(["edict.yaml:12:11 error", "edict.yaml:13:11 error", "edict.yaml:14:11 error"]);
    expect(f[0]!.message).toBe("cannot read key file keys/missing.pub: no such file in the repository");
    expect(f[1]!.message).toMatch(/^keys\/notes\.txt: public key: /);
    expect(f[2]!.message).toContain("this is a private key");
    // never the key material
    expect(f[2]!.message).not.toContain(privatePem.split("\n")[1]!);
  });

  it("says nothing when the caller read no key files", () => {
    expect(lint(packSourceInvalidKey, { "edict.yaml": yaml })).toEqual([]);
  });
});

describe("pack-source-unused-token", () => {
  it("warns about token_env on a git source", () => {
    const f = lint(packSourceUnusedToken, { "edict.yaml": config(`  sources:\n    - name: shared\n      git: https://g.example/p.git\n      token_env: GIT_TOKEN\n`) });
    expect(at(f)).toEqual(["edict.yaml:10:7 warning"]);
    expect(f[0]!.message).toBe("token_env is not used by the git source shared");
  });
});

describe("pack-source-unreachable", () => {
  it("warns at the url or git of a source that could not be read, with the reason", () => {
    const f = lint(packSourceUnreachable, { "edict.yaml": GOOD }, {
      sourceOffers: new Map<string, PackOffer[] | { error: string }>([
        ["acme", { error: "connection refused (127.0.0.1:9)" }],
        ["shared", { error: "no answer within 5 s" }],
      ]),
    });
    expect(at(f)).toEqual(["edict.yaml:9:12 warning", "edict.yaml:13:12 warning"]);
    expect(f.map((x) => x.message)).toEqual(["source acme cannot be read: connection refused (127.0.0.1:9)", "source shared cannot be read: no answer within 5 s"]);
  });

  it("says nothing without fetched offers (lint offline)", () => {
    expect(lint(packSourceUnreachable, { "edict.yaml": GOOD })).toEqual([]);
  });
});

describe("pack-newer-in-range", () => {
  const state = `format_version: v1
installed_packs:
  starter:
    name: starter
    version: 1.0.0
    layer: foundation
    source: acme
    files: []
  hipaa:
    name: hipaa
    version: 1.0.0
    layer: domain
    source: acme
    range: ~1.0.0
    files: []
  local:
    name: local
    version: 1.0.0
    layer: foundation
    files: []
`;
  const offers = new Map<string, PackOffer[] | { error: string }>([
    ["acme", [offer("starter", "1.0.0"), offer("starter", "1.2.0"), offer("starter", "2.0.0"), offer("hipaa", "1.0.3"), offer("hipaa", "1.1.0"), offer("local", "1.5.0")]],
  ]);

  it("names the newest version within the recorded range, else ^installed, at the pack's entry", () => {
    const f = lint(packNewerInRange, { "edict.yaml": GOOD, ".edict/packs.yaml": state }, { sourceOffers: offers });
    expect(at(f)).toEqual([".edict/packs.yaml:3:3 info", ".edict/packs.yaml:9:3 info"]);
    expect(f[0]!.message).toBe("pack starter v1.2.0 is available from acme within ^1.0.0 (installed v1.0.0)");
    expect(f[0]!.help).toContain("edict pack upgrade starter");
    expect(f[1]!.message).toBe("pack hipaa v1.0.3 is available from acme within ~1.0.0 (installed v1.0.0)");
  });

  it("says nothing when the source is unreachable, absent, or has nothing newer", () => {
    expect(lint(packNewerInRange, { "edict.yaml": GOOD, ".edict/packs.yaml": state }, { sourceOffers: new Map([["acme", { error: "down" }]]) })).toEqual([]);
    expect(lint(packNewerInRange, { "edict.yaml": GOOD, ".edict/packs.yaml": state })).toEqual([]);
    expect(lint(packNewerInRange, { "edict.yaml": GOOD, ".edict/packs.yaml": state }, { sourceOffers: new Map([["acme", [offer("starter", "1.0.0")]]]) })).toEqual([]);
  });
});
