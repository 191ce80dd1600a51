/**
 * The schema of a model file's JSON header: { spec, topologyHash, arrays: [{name, length}], meta }.
 * Strict at every level but `meta` (free-form facts). A stored path spec without `hiddenOrder`
 * comes from a file written before that field existed and means 'natural': the decoded spec names
 * it explicitly, so that the library's default can change without changing what old files mean.
 */
import { z } from 'zod';
import type { UnitOrder } from '../topology/unit-order.js';
import { modelSpecSchema, type ModelSpec } from './model-spec.js';

/** The hidden-unit order of files written before `hiddenOrder` was stored. */
export const LEGACY_HIDDEN_ORDER: UnitOrder = 'natural';

/** Most arrays of one file, and most floats of one array (2^31 - 1: a typed array's length). */
const MAX_ARRAY_LENGTH = 2 ** 31 - 1;

export const modelHeaderSchema = z.strictObject({
  spec: modelSpecSchema.transform((spec): ModelSpec => (spec.paths === null || spec.paths.hiddenOrder !== undefined ? spec
    : { ...spec, paths: { ...spec.paths, hiddenOrder: LEGACY_HIDDEN_ORDER } })),
  topologyHash: z.string().nullable(),
  arrays: z.array(z.strictObject({ name: z.string(), length: z.int().min(0).max(MAX_ARRAY_LENGTH) }).readonly()).readonly(),
  meta: z.record(z.string(), z.unknown()),
}).readonly();

export type ModelHeader = z.infer<typeof modelHeaderSchema>;
