/** IPv4 CIDR arithmetic for settings validation (Terraform's cidrsubnet does the carving in the module). */

export interface Ipv4Cidr {
  readonly network: number;
  readonly prefix: number;
}

export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { network: address, prefix };
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseIpv4Cidr(a);
  const y = parseIpv4Cidr(b);
  if (!x || !y) return false;
  const xEnd = x.network + 2 ** (32 - x.prefix);
  const yEnd = y.network + 2 ** (32 - y.prefix);
  return x.network < yEnd && y.network < xEnd;
}
