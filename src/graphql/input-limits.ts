/**
 * Size limits of input values, applied to every argument and input field of the schema before an
 * operation runs (src/server/plugins/input-limits.ts): a 100 KB `contains` held a database session
 * for seconds, and 50,000 `in` values or a NUL byte (PostgreSQL text cannot hold U+0000) failed
 * deep in the driver. Beyond a limit the operation is refused with BAD_USER_INPUT.
 *
 * An argument or input field that needs other limits says so with `extensions: inputLimits(...)`.
 */

/** Longest string input (filters, ids, search text); hostnames are at most 253 characters. */
export const MAX_INPUT_STRING_LENGTH = 256;
/** Most values in an input list (`in` lists, id lists, enum lists). */
export const MAX_INPUT_LIST_LENGTH = 500;
/** Longest connection cursor (`after`/`before`): cursors may carry the sort values of a row. */
export const MAX_CURSOR_LENGTH = 1024;

export interface InputLimits {
  /** Longest string, in characters. */
  maxLength: number;
  /** Most list values. */
  maxItems: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxLength: MAX_INPUT_STRING_LENGTH, maxItems: MAX_INPUT_LIST_LENGTH };

const LIMITS_KEY = 'inputLimits';

/** Extensions of an argument or input field with its own limits (the others stay the default). */
export function inputLimits(limits: Partial<InputLimits>): Record<string, unknown> {
  return { [LIMITS_KEY]: limits };
}

/** The limits of an argument or input field, from its extensions. */
export function inputLimitsOf(extensions: Readonly<Record<string, unknown>> | null | undefined): InputLimits {
  const own = extensions?.[LIMITS_KEY] as Partial<InputLimits> | undefined;
  return own ? { ...DEFAULT_INPUT_LIMITS, ...own } : DEFAULT_INPUT_LIMITS;
}
