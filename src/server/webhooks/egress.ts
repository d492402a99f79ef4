import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may connect. A webhook URL is chosen by a site admin but fetched by the server, from inside the
 * operator's network: without this, it reads internal services and the cloud metadata endpoint (SSRF).
 */
export interface EgressPolicy {
  /** AGORA_WEBHOOK_ALLOW_PRIVATE: receivers on the operator's own network are allowed (cloud metadata never is). */
  allowPrivate: boolean;
  /** Every address a host name resolves to. Injected by tests; the system resolver otherwise. */
  resolve: (hostname: string) => Promise<LookupAddress[]>;
}

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address of every family. */
export const systemResolve = (hostname: string): Promise<LookupAddress[]> => dns.lookup(hostname, { all: true, verbatim: true });

// Not globally reachable (RFC 6890 and its updates): the operator's own networks, and ranges no public receiver uses.
const INTERNAL_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 itself reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT, also used by some clouds and VPNs (Tailscale) for internal hosts
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, home of cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];
const INTERNAL_V6: readonly [string, number][] = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form (::a.b.c.d)
  ['64:ff9b:1::', 48], // NAT64 for local use (RFC 8215)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 embeds any IPv4 address, internal ones included; the protocol is deprecated (RFC 7526)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local, deprecated
  ['ff00::', 8], // multicast
];
// Cloud credentials are served here (AWS, GCP, Azure, OpenStack; AWS over IPv6; Alibaba). No webhook receiver lives
// on them, so they stay refused even when AGORA_WEBHOOK_ALLOW_PRIVATE lets LAN receivers through.
const METADATA = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'];

const internal = new BlockList();
for (const [net, prefix] of INTERNAL_V4) {
  internal.addSubnet(net, prefix, 'ipv4');
  // The well-known NAT64 prefix maps every IPv4 address into IPv6, so 64:ff9b::127.0.0.1 is loopback behind a
  // NAT64 gateway. Only the internal part is refused: IPv6-only networks with DNS64 reach public hosts this way.
  internal.addSubnet(`64:ff9b::${net}`, 96 + prefix, 'ipv6');
}
for (const [net, prefix] of INTERNAL_V6) internal.addSubnet(net, prefix, 'ipv6');
const metadata = new BlockList();
for (const ip of METADATA) {
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  metadata.addAddress(ip, family);
  if (family === 'ipv4') metadata.addAddress(`64:ff9b::${ip}`, 'ipv6');
}
// BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) by itself: test/unit covers it.

/** Why an IP address may not be a webhook target ("an internal address"), or null when it may. */
export function refusedAddress(ip: string, policy: Pick<EgressPolicy, 'allowPrivate'>): string | null {
  const family = isIP(ip) === 4 ? 'ipv4' : isIP(ip) === 6 ? 'ipv6' : null;
  if (!family) return 'not an IP address';
  if (metadata.check(ip, family)) return 'a cloud metadata address';
  if (!policy.allowPrivate && internal.check(ip, family)) return 'an internal address';
  return null;
}

/** A URL's host without IPv6 brackets or the trailing dot of a fully qualified name. */
const bareHost = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '').toLowerCase();

/**
 * Why a URL's host may not be a webhook target, judged from the URL alone: IP literals and `localhost` names
 * (RFC 6761 reserves them for loopback). No DNS here, so saving a webhook never reaches out; delivery checks again.
 */
export function refusedHost(hostname: string, policy: Pick<EgressPolicy, 'allowPrivate'>): string | null {
  const host = bareHost(hostname);
  if (isIP(host)) {
    const why = refusedAddress(host, policy);
    return why && `${host} is ${why}`;
  }
  if (!policy.allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) return `${host} is the local host`;
  return null;
}

/** Thrown instead of connecting to a refused address; a delivery that meets it fails for good. */
export class RefusedTargetError extends Error {
  override readonly name = 'RefusedTargetError';
}

/**
 * A `lookup` for sockets that resolves the name, refuses when any address is internal, and hands the socket only
 * addresses it checked. The check and the connection use the same answer, so a name that resolves to a public
 * address for the check and to 127.0.0.1 for the connection (DNS rebinding) gets nowhere.
 */
export function guardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(hostname).then(
      (found) => {
        // Any internal answer refuses the whole name: a name with one public and one internal address is an attack
        // or a mistake, and the socket may try every address (happy eyeballs).
        const refused = found.flatMap((a) => {
          const why = refusedAddress(a.address, policy);
          return why ? [`${a.address}, ${why}`] : [];
        });
        if (refused.length > 0) return callback(new RefusedTargetError(`${hostname} resolves to ${refused.join('; ')}`), '', 0);
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
        const usable = family ? found.filter((a) => a.family === family) : found;
        const first = usable[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/** Throws RefusedTargetError when a URL's host is refused as written: sockets connect to IP literals without a lookup. */
export function assertHostAllowed(url: URL, policy: Pick<EgressPolicy, 'allowPrivate'>): void {
  const reason = refusedHost(url.hostname, policy);
  if (reason) throw new RefusedTargetError(reason);
}
