export const PHONE_KEY_BYTES = 32;

/** 64 hex characters or base64/base64url of 32 bytes; null when it is neither. */
export function parsePhoneKey(value: string): Buffer | null {
  const key = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(value)
      ? Buffer.from(value, 'base64')
      : null;
  return key && key.length === PHONE_KEY_BYTES ? key : null;
}
