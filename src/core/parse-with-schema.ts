/**
 * Parsing untrusted JSON (model-file headers, experiment specs) with a zod schema. A failure
 * becomes ONE SobolnetError line: `<where>: <path of the bad value> <what was expected>, got
 * <value>`, from the first issue only; never a zod dump. Unknown keys are reported with their full
 * path and the keys the object allows.
 */
import * as z from 'zod';
import { SobolnetError } from './errors.js';

/**
 * Marks a refinement's message as complete in itself (it names the field already): the line then
 * reads `<path>: <message>` instead of `<path> <message>`.
 */
export const SELF_CONTAINED = { selfContained: true } as const;

/** A short, one-line rendering of a JSON value for messages. */
export function shortJson(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `text` on one line: control characters (newlines...) escaped as in JSON. */
export function oneLine(text: string): string {
  const control = (c: string): boolean => c < ' ' || c === '\u007f' || c === '\u2028' || c === '\u2029';
  return Array.from(text, (c) => (control(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');
}

/** `spec.paths[0].kind` from a zod path. */
export function pathString(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

const quoteAll = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');

const article = (type: string): string => (type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`);

// The "what was expected" part of one issue, phrased for `<path> <text>`.
function expectation(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      return `must be ${iss.expected === 'int' ? 'an integer' : article(iss.expected)}`;
    case 'too_small':
    case 'too_big': {
      const bound = iss.code === 'too_small' ? iss.minimum : iss.maximum;
      const op = iss.code === 'too_small' ? (iss.inclusive === false ? '>' : '≥') : (iss.inclusive === false ? '<' : '≤');
      return iss.origin === 'array' || iss.origin === 'set'
        ? `must have ${iss.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} entries`
        : iss.origin === 'string' ? `must have ${op} ${String(bound)} characters` : `must be ${op} ${String(bound)}`;
    }
    case 'invalid_value':
      return `must be ${iss.values.length === 1 ? quoteAll(iss.values) : `one of ${quoteAll(iss.values)}`}`;
    case 'invalid_union':
      return 'options' in iss && Array.isArray(iss.options) ? `must be one of ${quoteAll(iss.options)}` : 'has none of the allowed forms';
    case 'invalid_format':
      return `must be a ${iss.format} string`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)}`;
    default:
      return iss.message ?? 'is not valid';
  }
}

// The allowed keys of the object schema that reported an unrecognized key.
function allowedKeys(iss: z.core.$ZodRawIssue): string {
  const shape = (iss.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
  return shape ? ` (keys: ${Object.keys(shape).join(', ')})` : '';
}

// Error map: the whole message of an issue (without its path, which `formatIssue` adds).
function message(iss: z.core.$ZodRawIssue): string {
  if (iss.code === 'unrecognized_keys') return `unknown key${allowedKeys(iss)}`;
  const discriminator = iss.code === 'invalid_union' && 'discriminator' in iss ? String(iss.discriminator) : null;
  const input = discriminator === null ? iss.input : (iss.input as Record<string, unknown> | undefined)?.[discriminator];
  const got = 'input' in iss && (iss.code !== 'invalid_union' || discriminator !== null) ? `, got ${shortJson(input)}` : '';
  return `${expectation(iss)}${got}`;
}

// One line from the first issue: unknown keys get their own path, refinements may be self-contained.
function formatIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key "${pathString([...issue.path, issue.keys[0]])}"${issue.message.slice('unknown key'.length)}`;
  }
  const path = pathString(issue.path);
  if (path === '') return issue.message;
  const selfContained = issue.code === 'custom' && (issue.params as { selfContained?: boolean } | undefined)?.selfContained;
  return `${path}${selfContained ? ':' : ''} ${issue.message}`;
}

/** Parses `value` with `schema`; `where` starts the one-line error (e.g. "m.sobolnet: header"). */
export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value, { error: message, reportInput: true });
  if (result.success) return result.data;
  throw new SobolnetError(oneLine(`${where}: ${formatIssue(result.error.issues[0])}`));
}
