/**
 * Korean mobile numbers: what users type (`010-1234-5678`, `010 1234 5678`, `+82 10-…`) is
 * reduced to digits (`01012345678`), the form SENS takes and the one stored (encrypted).
 */
/** 010 always has eight digits after it; the older 011/016/017/018/019 ranges seven or eight. */
const MOBILE_RE = /^(010\d{8}|01[16789]\d{7,8})$/;

/** Digits only, or null when the value is not a Korean mobile number. */
export function normalizeMobile(value: string): string | null {
  let digits = value.replace(/[\s\-.()]/g, '');
  if (digits.startsWith('+82')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('82') && digits.length >= 11) digits = `0${digits.slice(2)}`;
  return MOBILE_RE.test(digits) ? digits : null;
}

/** `010-1234-5678` (or `011-123-4567`) for display; other values are returned unchanged. */
export function formatMobile(value: string): string {
  const digits = normalizeMobile(value);
  if (!digits) return value;
  return digits.length === 11
    ? `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`
    : `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
}

/**
 * A Korean mobile number inside free text: 010 then 8 digits, or 011/016/017/018/019 then 7 or 8,
 * with or without `-`, `.` or spaces between the groups, or written +82 10-…. Not part of a
 * longer run of digits, so ids and other numbers in links are not taken for one.
 */
const MOBILE_IN_TEXT =
  /(?<![\d+])(?:\+82[-. ]?|0)1(?:0[-. ]?\d{4}|[16789][-. ]?\d{3,4})[-. ]?\d{4}(?!\d)/g;

/**
 * Every Korean mobile number in a text shown as `010-****-5678`; the rest of the text (links,
 * ids, other numbers) is left as it is.
 */
export function maskMobilesInText(text: string): string {
  return text.replace(MOBILE_IN_TEXT, (found) => {
    const digits = normalizeMobile(found);
    return digits ? `${digits.slice(0, 3)}-****-${digits.slice(-4)}` : found;
  });
}

/** `010****5678`: enough to tell numbers apart in a log, not enough to reach anyone. */
export function maskMobile(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
