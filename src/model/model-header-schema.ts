/**
 * The schema of a model file's JSON header: { spec, topologyHash, arrays: [{name, length}], meta }.
 * Strict at every level but `meta` (free-form facts). A stored path spec without `hiddenOrder`
 * comes from a file written before that field existed and means 'natural': the decoded spec names
 * it explicitly, so that the library's default can change without changing what old files mean.
 */
import * as z from 'zod';
import type { UnitOrder } from '../topology/unit-order.js';
import { modelSpecSchemaFor, type ModelSpec } from './model-spec.js';

/** The hidden-unit order of files written before `hiddenOrder` was stored. */
export const LEGACY_HIDDEN_ORDER: UnitOrder = 'natural';

/** Most arrays of one file, and most floats of one array (2^31 - 1: a typed array's length). */
const MAX_ARRAY_LENGTH = 2 ** 31 - 1;

/** The schema of a header whose raw JSON is `json` (its spec's form decides the spec schema: modelSpecSchemaFor). */
export function modelHeaderSchemaFor(json: unknown) {
  const spec = typeof json === 'object' && json !== null ? (json as { spec?: unknown }).spec : undefined;
  return headerSchema(modelSpecSchemaFor(spec).transform((s): ModelSpec => (s.paths === null || s.paths.hiddenOrder !== undefined ? s
    : { ...s, paths: { ...s.paths, hiddenOrder: LEGACY_HIDDEN_ORDER } })));
}

const headerSchema = <S extends z.ZodType<ModelSpec>>(spec: S) => z.strictObject({
  spec,
  topologyHash: z.string().nullable(),
  arrays: z.array(z.strictObject({ name: z.string(), length: z.int().min(0).max(MAX_ARRAY_LENGTH) }).readonly()).readonly(),
  meta: z.record(z.string(), z.unknown()),
}).readonly();

export type ModelHeader = z.infer<ReturnType<typeof modelHeaderSchemaFor>>;
