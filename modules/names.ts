import { Construct } from "constructs";
import { TerraformLocal } from "cdktf";
import { NAME_LIMITS, NamedResource } from "./aws-limits";
import { setModuleFile } from "./blueprint-stack";

/**
 * Names the modules build from the cluster name, kept within AWS limits.
 *
 * EKS allows 100-character cluster names, IAM 64-character role names. Rather than forbid long cluster
 * names (or randomise every name with `name_prefix`), derived names start with `local.name_prefix`: the
 * cluster name itself when it is at most NAME_PREFIX_MAX_LENGTH characters (so names of existing
 * clusters never change), otherwise its first characters and 8 hex digits of its SHA-1 (so two long
 * names that share a beginning still differ). Every suffix is checked at synth time against the limit
 * of the resource it names, so no derived name can exceed its limit.
 */

/** The longest suffix a derived name gets: `-aws-load-balancer-controller`. */
export const MAX_NAME_SUFFIX_LENGTH = 29;
/** 64 (IAM role names) minus the longest suffix. */
export const NAME_PREFIX_MAX_LENGTH = NAME_LIMITS.iamRole - MAX_NAME_SUFFIX_LENGTH;
const HASH_LENGTH = 8;

/** `local.name_prefix` of a cluster module. */
export function namePrefixLocal(scope: Construct, clusterName: string): string {
  const holder = new Construct(scope, "name_prefix");
  setModuleFile(holder, "main");
  const cut = NAME_PREFIX_MAX_LENGTH - HASH_LENGTH - 1;
  return new TerraformLocal(
    holder,
    "name_prefix",
    `\${length(${clusterName}) <= ${NAME_PREFIX_MAX_LENGTH} ? ${clusterName} : format("%s-%s", substr(${clusterName}, 0, ${cut}), substr(sha1(${clusterName}), 0, ${HASH_LENGTH}))}`,
  ).asString;
}

/**
 * `<name prefix><suffix>` for a resource of the given kind. `suffixMaxLength` bounds a suffix that holds an
 * expression (e.g. `-${each.key}` with keys of at most 30 characters); a literal suffix is measured.
 */
export function derivedName(namePrefix: string, suffix: string, kind: NamedResource, suffixMaxLength = suffix.length): string {
  if (suffixMaxLength > MAX_NAME_SUFFIX_LENGTH + (NAME_LIMITS[kind] - NAME_LIMITS.iamRole)) {
    throw new Error(`a ${kind} name suffix of up to ${suffixMaxLength} characters (${suffix}) would exceed AWS's ${NAME_LIMITS[kind]}-character limit`);
  }
  return `${namePrefix}${suffix}`;
}
