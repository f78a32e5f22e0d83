/**
 * Just enough of Terraform's native syntax (`*.tf`) to know which stub providers a configuration
 * needs and whether it calls modules: block headers and `required_providers` entries. Terraform
 * itself then parses and checks everything, with positions, so a scan that misses a provider only
 * means Terraform reports it as unavailable.
 */
export interface HclScan {
  /** `required_providers` entries: local name → source (`hashicorp/<name>` when none is given). */
  readonly requiredProviders: readonly { readonly localName: string; readonly source: string }[];
  /** Resource and data source types (`aws_eks_cluster`). */
  readonly types: readonly string[];
  /** Local names of `provider "<name>"` blocks. */
  readonly providerBlocks: readonly string[];
  readonly callsModules: boolean;
}

export function scanHcl(text: string): HclScan {
  const code = withoutComments(text);
  const all = (re: RegExp) => [...code.matchAll(re)].map((m) => m[1]);
  return {
    requiredProviders: requiredProviderEntries(code),
    types: all(/^[ \t]*(?:resource|data)[ \t]+"([^"]+)"/gm),
    providerBlocks: all(/^[ \t]*provider[ \t]+"([^"]+)"/gm),
    callsModules: /^[ \t]*module[ \t]+"[^"]+"/m.test(code),
  };
}

function requiredProviderEntries(code: string): { localName: string; source: string }[] {
  const entries: { localName: string; source: string }[] = [];
  for (const start of [...code.matchAll(/required_providers\s*\{/g)].map((m) => m.index! + m[0].length)) {
    const body = code.slice(start, closingBrace(code, start));
    for (const m of body.matchAll(/([A-Za-z][\w-]*)\s*=\s*\{([^{}]*)\}/g)) {
      const source = /source\s*=\s*"([^"]+)"/.exec(m[2])?.[1] ?? `hashicorp/${m[1]}`;
      entries.push({ localName: m[1], source });
    }
  }
  return entries;
}

/** Offset of the `}` closing a block whose body starts at `from`. */
function closingBrace(code: string, from: number): number {
  let depth = 1;
  for (let i = from; i < code.length; i++) {
    if (code[i] === "{") depth++;
    else if (code[i] === "}" && --depth === 0) return i;
  }
  return code.length;
}

/** The text with `#`, `//` and `/* *\/` comments blanked out, string literals kept (`"git::https://…"`). */
function withoutComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop - 1;
    } else out += c;
  }
  return out;
}
