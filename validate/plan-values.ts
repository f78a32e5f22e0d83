/**
 * What the stub provider answers at plan time, computed from the reconstructed
 * schema:
 *
 * - `plannedCreate`: PlanResourceChange for a new object returns Terraform's
 *   proposed new state with every computed attribute that is still null
 *   (at any depth, in blocks and nested attributes) marked unknown, like a real
 *   provider that sets them on apply.
 * - `readDataSource`: ReadDataSource returns the configuration with every
 *   computed attribute that is null filled with a plausible placeholder:
 *   realistic values for the data sources the blueprints use (see
 *   WELL_KNOWN), otherwise by attribute name (`*_arn`, `account_id`, `region`,
 *   `*vpc_id`, `*cidr*`, `*json`, ...) and type (strings "placeholder",
 *   numbers 1, bools false, lists and sets with one element, empty maps).
 */
import { Dynamic, isObject, isUnknown, newObject, UNKNOWN, type CtyObject, type CtyValue } from "./cty-msgpack";
import type { CtyType, SchemaAttribute, SchemaBlock, SchemaNestedType } from "./schema-types";

export const PLACEHOLDER = {
  accountId: "123456789012",
  region: "us-east-1",
  partition: "aws",
  dnsSuffix: "amazonaws.com",
  roleArn: "arn:aws:iam::123456789012:role/example",
  availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
  vpcId: "vpc-0123456789abcdef0",
  subnetId: "subnet-0123456789abcdef0",
  securityGroupId: "sg-0123456789abcdef0",
  eksEndpoint: "https://example.eks.amazonaws.com",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
  // base64 of a (fake) PEM certificate: base64decode() of it works.
  certificateData: Buffer.from("-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n").toString("base64"),
  policyJson: '{"Version":"2012-10-17","Statement":[]}',
  timestamp: "2024-01-01T00:00:00Z",
  string: "placeholder",
  number: 1,
  bool: false,
} as const;

// ---------------------------------------------------------------------------
// Implied types (as Terraform derives them from a schema).

function hasDynamic(t: CtyType): boolean {
  if (t === "dynamic") return true;
  if (typeof t === "string") return false;
  if (t[0] === "object") return Object.values(t[1]).some(hasDynamic);
  return hasDynamic(t[1]);
}

function nestedObjectType(nt: SchemaNestedType): CtyType {
  return ["object", Object.fromEntries(Object.entries(nt.attributes).map(([n, a]) => [n, attributeType(a)]))];
}

export function attributeType(a: SchemaAttribute): CtyType {
  if (!a.nested_type) return a.type ?? "dynamic";
  const obj = nestedObjectType(a.nested_type);
  switch (a.nested_type.nesting_mode) {
    case "single":
      return obj;
    case "list":
      return ["list", obj];
    case "set":
      return ["set", obj];
    case "map":
      return ["map", obj];
  }
}

/** The object type of a block's values (configschema.Block.ImpliedType). */
export function impliedType(b: SchemaBlock): CtyType {
  const attrs: { [k: string]: CtyType } = {};
  for (const [n, a] of Object.entries(b.attributes ?? {})) attrs[n] = attributeType(a);
  for (const [n, nb] of Object.entries(b.block_types ?? {})) {
    const inner = impliedType(nb.block);
    switch (nb.nesting_mode) {
      case "single":
        attrs[n] = inner;
        break;
      case "list":
        // Blocks holding dynamic attributes are tuples / objects: the value's type travels with it.
        attrs[n] = hasDynamic(inner) ? "dynamic" : ["list", inner];
        break;
      case "set":
        attrs[n] = ["set", inner];
        break;
      case "map":
        attrs[n] = hasDynamic(inner) ? "dynamic" : ["map", inner];
        break;
    }
  }
  return ["object", attrs];
}

// ---------------------------------------------------------------------------
// Walking a value alongside its schema.

type Visit = (name: string, attr: SchemaAttribute, value: CtyValue) => CtyValue;

/** Elements of a nested value in `mode` (single object, list/set elements, map values). */
function eachNested(mode: string, v: CtyValue, fn: (o: CtyObject) => void): void {
  if (v === null || isUnknown(v) || v instanceof Dynamic) return;
  if (mode === "single" || mode === "group") {
    if (isObject(v)) fn(v);
  } else if (Array.isArray(v)) {
    for (const e of v) if (isObject(e)) fn(e);
  } else if (isObject(v) && mode === "map") {
    for (const e of Object.values(v)) if (isObject(e)) fn(e);
  }
}

function walkAttributes(attrs: { [k: string]: SchemaAttribute }, obj: CtyObject, visit: Visit): void {
  for (const [name, attr] of Object.entries(attrs)) {
    const v = name in obj ? obj[name] : null;
    const out = visit(name, attr, v);
    obj[name] = out;
    if (out === v && attr.nested_type) {
      const nt = attr.nested_type;
      eachNested(nt.nesting_mode, out, (o) => walkAttributes(nt.attributes, o, visit));
    }
  }
}

function walkBlock(b: SchemaBlock, obj: CtyObject, visit: Visit): void {
  walkAttributes(b.attributes ?? {}, obj, visit);
  for (const [name, nb] of Object.entries(b.block_types ?? {})) {
    eachNested(nb.nesting_mode, name in obj ? obj[name] : null, (o) => walkBlock(nb.block, o, visit));
  }
}

/**
 * PlanResourceChange for a create: the proposed new state with every computed
 * attribute that is null marked unknown. `proposed` is modified and returned.
 */
export function plannedCreate(b: SchemaBlock, proposed: CtyValue): CtyValue {
  if (!isObject(proposed)) return proposed;
  walkBlock(b, proposed, (_name, attr, v) => (v === null && attr.computed ? UNKNOWN : v));
  return proposed;
}

// ---------------------------------------------------------------------------
// Placeholders for data sources.

const eksCluster = (config: CtyObject): { [attr: string]: CtyValue } => {
  const name = typeof config.name === "string" ? config.name : "example";
  return {
    arn: `arn:aws:eks:${PLACEHOLDER.region}:${PLACEHOLDER.accountId}:cluster/${name}`,
    id: name,
    cluster_id: name,
    endpoint: PLACEHOLDER.eksEndpoint,
    certificate_authority: [obj({ data: PLACEHOLDER.certificateData })],
    identity: [obj({ oidc: [obj({ issuer: PLACEHOLDER.oidcIssuer })] })],
    vpc_config: [
      obj({
        cluster_security_group_id: PLACEHOLDER.securityGroupId,
        endpoint_private_access: true,
        endpoint_public_access: false,
        public_access_cidrs: [],
        security_group_ids: [],
        subnet_ids: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
        vpc_id: PLACEHOLDER.vpcId,
      }),
    ],
    kubernetes_network_config: [
      obj({ elastic_load_balancing: [obj({ enabled: false })], ip_family: "ipv4", service_ipv4_cidr: "172.20.0.0/16", service_ipv6_cidr: "" }),
    ],
    access_config: [obj({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false })],
    version: "1.35",
    platform_version: "eks.1",
    status: "ACTIVE",
    role_arn: PLACEHOLDER.roleArn,
  };
};

/** Realistic values for the computed attributes of well-known data sources (by attribute name). */
export const WELL_KNOWN: { [dataSource: string]: (config: CtyObject) => { [attr: string]: CtyValue } } = {
  aws_availability_zones: () => ({
    id: PLACEHOLDER.region,
    region: PLACEHOLDER.region,
    names: [...PLACEHOLDER.availabilityZones],
    zone_ids: [...PLACEHOLDER.zoneIds],
    group_names: [PLACEHOLDER.region],
  }),
  aws_region: () => ({
    id: PLACEHOLDER.region,
    name: PLACEHOLDER.region,
    region: PLACEHOLDER.region,
    endpoint: `ec2.${PLACEHOLDER.region}.amazonaws.com`,
    description: "US East (N. Virginia)",
  }),
  aws_partition: () => ({ id: PLACEHOLDER.partition, partition: PLACEHOLDER.partition, dns_suffix: PLACEHOLDER.dnsSuffix, reverse_dns_prefix: "com.amazonaws" }),
  aws_caller_identity: () => ({ id: PLACEHOLDER.accountId, account_id: PLACEHOLDER.accountId, arn: PLACEHOLDER.roleArn, user_id: "AROAEXAMPLEEXAMPLE:example" }),
  aws_iam_session_context: (config) => ({
    id: typeof config.arn === "string" ? config.arn : PLACEHOLDER.roleArn,
    issuer_arn: PLACEHOLDER.roleArn,
    issuer_id: "AROAEXAMPLEEXAMPLE",
    issuer_name: "example",
    session_name: "",
  }),
  // The filtered instance type, offered in every zone.
  aws_ec2_instance_type_offerings: (config) => {
    const filters = Array.isArray(config.filter) ? config.filter : [];
    const typeFilter = filters.find((f) => isObject(f) && f.name === "instance-type");
    const values = isObject(typeFilter) && Array.isArray(typeFilter.values) ? typeFilter.values : [];
    const type = typeof values[0] === "string" ? values[0] : "m5.large";
    const locations = [...PLACEHOLDER.availabilityZones];
    return {
      id: PLACEHOLDER.region,
      locations: [...locations],
      location_types: locations.map(() => "availability-zone"),
      instance_types: locations.map(() => type),
    };
  },
  // A subnet's zone follows from its id (its last hex digit), so distinct subnets usually sit in distinct
  // zones, as they would in a VPC laid out for EKS.
  aws_subnet: (config) => {
    const id = typeof config.id === "string" ? config.id : PLACEHOLDER.subnetId;
    const zone = parseInt(id.slice(-1), 16) % PLACEHOLDER.availabilityZones.length || 0;
    return {
      id,
      availability_zone: PLACEHOLDER.availabilityZones[zone],
      availability_zone_id: PLACEHOLDER.zoneIds[zone],
      vpc_id: PLACEHOLDER.vpcId,
    };
  },
  aws_eks_cluster: eksCluster,
  aws_eks_cluster_auth: (config) => ({ id: typeof config.name === "string" ? config.name : "example", token: "k8s-aws-v1.placeholder" }),
};

function obj(fields: { [k: string]: CtyValue }): CtyObject {
  const o = newObject();
  for (const [k, v] of Object.entries(fields)) o[k] = v;
  return o;
}

/** A placeholder string chosen by attribute name. */
export function placeholderString(name: string): string {
  const n = name.toLowerCase();
  if (/(^|_)arns?$/.test(n)) return PLACEHOLDER.roleArn;
  if (/(^|_)account(_id)?$/.test(n)) return PLACEHOLDER.accountId;
  if (/(^|_)region$/.test(n)) return PLACEHOLDER.region;
  if (/(^|_)partition$/.test(n)) return PLACEHOLDER.partition;
  if (/dns_suffix$/.test(n)) return PLACEHOLDER.dnsSuffix;
  if (/availability_zones?$/.test(n)) return PLACEHOLDER.availabilityZones[0];
  if (/(^|_)vpc_ids?$/.test(n)) return PLACEHOLDER.vpcId;
  if (/(^|_)subnet_ids?$/.test(n)) return PLACEHOLDER.subnetId;
  if (/security_group_ids?$/.test(n)) return PLACEHOLDER.securityGroupId;
  if (/ipv6_cidr/.test(n)) return "2001:db8::/56";
  if (/cidr/.test(n)) return "10.0.0.0/16";
  if (/(^|_)(json|policy)$/.test(n)) return PLACEHOLDER.policyJson;
  if (/(^|_)(endpoint|url|issuer)$/.test(n)) return "https://example.com";
  if (/(_at|_date|_time|timestamp)$/.test(n)) return PLACEHOLDER.timestamp;
  return PLACEHOLDER.string;
}

/** A placeholder value of type `t` for an attribute called `name`. */
export function placeholderValue(t: CtyType, name: string): CtyValue {
  if (t === "string") return placeholderString(name);
  if (t === "number") return PLACEHOLDER.number;
  if (t === "bool") return PLACEHOLDER.bool;
  if (t === "dynamic") return new Dynamic("string", placeholderString(name));
  switch (t[0]) {
    case "list":
    case "set":
      return [placeholderValue(t[1], name)];
    case "map":
      return newObject();
    case "object": {
      const o = newObject();
      for (const [k, at] of Object.entries(t[1])) o[k] = placeholderValue(at, k);
      return o;
    }
  }
  return null;
}

/**
 * ReadDataSource: the configuration with every computed attribute that is null
 * filled with a placeholder. `config` is modified and returned.
 */
export function readDataSource(typeName: string, b: SchemaBlock, config: CtyValue): CtyValue {
  if (!isObject(config)) return config;
  // Top-level attributes of well-known data sources get realistic values...
  const known = WELL_KNOWN[typeName]?.(config) ?? {};
  for (const [name, attr] of Object.entries(b.attributes ?? {})) {
    if (attr.computed && (name in config ? config[name] : null) === null && name in known) config[name] = known[name];
  }
  // ...everything else a placeholder by name and type.
  walkBlock(b, config, (name, attr, v) => (v === null && attr.computed ? placeholderValue(attributeType(attr), name) : v));
  return config;
}
