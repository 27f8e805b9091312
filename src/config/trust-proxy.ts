import net from 'node:net';
import { custom } from './settings';

/** Express's names for address ranges (loopback, 169.254/16 and fe80::/10, private ranges). */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const MAX_PROXY_HOPS = 10;

/** An IP address, or a subnet as `address/prefix-length`. */
function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = net.isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Express's `trust proxy`: which connecting addresses are proxies whose `X-Forwarded-For` is
 * believed: false (clients connect directly), the number of proxies in front, or their
 * addresses and subnets. `true` (every one) is refused: any client could then name its own
 * address in the header and escape every per-IP limit.
 */
export const trustProxy = custom<false | number | string[]>(
  'TRUST_PROXY',
  false,
  'proxies whose X-Forwarded-For is believed: a hop count or IPs/subnets; true is refused',
  (value, r) => {
    if (/^false$/i.test(value)) return false;
    if (/^true$/i.test(value)) {
      r.problem(
        'TRUST_PROXY=true would believe any X-Forwarded-For, so clients could choose their own ' +
          'address and escape every per-IP limit: set the number of proxies in front of the app ' +
          '(e.g. 1), or their addresses or subnets (e.g. loopback or 10.0.0.0/8)',
      );
      return false;
    }
    if (/^\d+$/.test(value)) return r.int('TRUST_PROXY', value, 0, 0, MAX_PROXY_HOPS);
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const invalid = entries.filter(
      (entry) => !PROXY_RANGE_NAMES.includes(entry) && !isAddressOrSubnet(entry),
    );
    if (invalid.length > 0) {
      r.problem(
        `TRUST_PROXY must be false, a number of proxies from 0 to ${MAX_PROXY_HOPS}, or a ` +
          `comma-separated list of addresses, subnets (10.0.0.0/8) and ${PROXY_RANGE_NAMES.join(', ')} ` +
          `(got "${invalid.join('", "')}")`,
      );
      return false;
    }
    return entries;
  },
);
