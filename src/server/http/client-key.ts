import { isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * The address a per-client limit counts against: request.ip (so AGORA_TRUST_PROXY decides which proxy's
 * X-Forwarded-For is believed), an IPv4-mapped address as plain IPv4, and an IPv6 address by its /64: one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would give one client 2^64 allowances.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Who a request counts as for per-client limits: the signed-in user (any device or address), else its address. */
export function clientKey(request: FastifyRequest): string {
  return request.auth ? `user:${request.auth.user.id}` : `ip:${addressKey(request.ip)}`;
}
