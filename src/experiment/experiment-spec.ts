/**
 * An experiment spec: a named grid of run recipes, as a JSON file. `base` holds the fields common
 * to every run; each entry of `grids` is a cartesian product of field values over the base; every
 * point runs once per seed. Example:
 *
 *   { "name": "mnist-density",
 *     "base": { "dataset": "mnist", "widths": [784, 1024, 1024, 10], "epochs": 10 },
 *     "grids": [ { "source": ["sobol", "random-walk"], "fanIn": [8, 32] }, { "source": ["dense"] } ],
 *     "seeds": [1, 2, 3] }
 *
 * expands into (2 × 2 + 1) × 3 = 15 runs. The fields are those of a run recipe (run-recipe.ts).
 */
import * as z from 'zod';
import { SobolnetError } from '../core/errors.js';
import { oneLine, parseWithSchema, SELF_CONTAINED, shortJson } from '../core/parse-with-schema.js';
import { checkRecipeField, completeRecipe, recipeKey, RECIPE_FIELDS, type RunRecipe } from './run-recipe.js';
import { RANK_BY } from './summarize.js';

/** `error` of a schema: `must <what>, got <the value>`. */
const expected = (what: string) => ({ error: (iss: { input?: unknown }) => `must ${what}, got ${shortJson(iss.input)}` });

/** Adds an issue at `path` for each field value that checkRecipeField refuses (its message names the field). */
function checkField(field: string, value: unknown, path: PropertyKey[], ctx: z.core.$RefinementCtx): void {
  try {
    checkRecipeField(field, value, '');
  } catch (e) {
    if (!(e instanceof SobolnetError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message, path, params: SELF_CONTAINED, input: value });
  }
}

/** The fields common to every run: recipe fields but the seed. */
const baseSchema = z.record(z.string(), z.unknown(), expected('be an object of recipe fields')).superRefine((base, ctx) => {
  if ('seed' in base) ctx.addIssue({ code: 'custom', message: 'sets seed; list the seeds in "seeds" instead', input: base });
  for (const [field, value] of Object.entries(base)) checkField(field, value, [field], ctx);
});

/** One grid: field -> the non-empty list of its values; never the seed. */
const gridSchema = z.record(z.string(), z.array(z.unknown(), expected('be a non-empty list of values'))
  .min(1, expected('be a non-empty list of values')).readonly(), expected('be an object of field: [values]'))
  .superRefine((grid, ctx) => {
    if ('seed' in grid) ctx.addIssue({ code: 'custom', message: 'varies seed; list the seeds in "seeds" instead', input: grid });
    for (const [field, values] of Object.entries(grid)) values.forEach((v, i) => checkField(field, v, [field, i], ctx));
  }).readonly();

/** The schema of an experiment spec file (strict: unknown keys are errors). */
export const experimentSpecSchema = z.strictObject({
  /** Names the output files: lower-case letters, digits and dashes. */
  name: z.string(expected('be lower-case letters, digits and dashes'))
    .regex(/^[a-z0-9][a-z0-9-]*$/, expected('be lower-case letters, digits and dashes')),
  description: z.string().default(''),
  base: baseSchema.default({}).readonly(),
  grids: z.array(gridSchema, expected('be a non-empty list of objects')).min(1, expected('be a non-empty list of objects')).readonly(),
  seeds: z.array(z.int(expected('be an integer ≥ 0')).min(0, expected('be an integer ≥ 0')),
    expected('be a non-empty list of integers ≥ 0')).min(1, expected('be a non-empty list of integers ≥ 0'))
    .refine((seeds) => new Set(seeds).size === seeds.length, { error: (iss) => `repeat: ${shortJson(iss.input)}` }).readonly(),
  /** Fields whose values name a line in the plots and a block of the table (default: every varying field but counts and seed). */
  series: z.array(z.string()).refine((fields) => fields.every((f) => (RECIPE_FIELDS as readonly string[]).includes(f)),
    expected('list recipe fields')).readonly().optional(),
  /** Which accuracy marks the table's best row and the plots draw (default: validation when every group has it). */
  rankBy: z.enum(RANK_BY).optional(),
}, { error: (iss) => (iss.code === 'invalid_type' ? 'an experiment spec must be a JSON object' : undefined) }).readonly();

/** A parsed experiment spec: a base recipe, grids of fields to vary, seeds and how to rank (docs/EXPERIMENTS.md). */
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;

/** One run of an experiment: its recipe, identity, and the group it averages with (same recipe, other seed). */
export interface PlannedRun {
  readonly recipe: RunRecipe;
  readonly key: string;
  readonly groupKey: string;
}

/** Validates parsed JSON as an experiment spec; `where` (the file) prefixes every error. */
export function parseExperimentSpec(json: unknown, where: string): ExperimentSpec {
  return parseWithSchema(experimentSpecSchema, json, where);
}

/** Parses the text of a spec file. */
export function parseExperimentSpecText(text: string, where: string): ExperimentSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SobolnetError(oneLine(`${where}: not valid JSON (${(e as Error).message})`));
  }
  return parseExperimentSpec(json, where);
}

/** Every combination of the grid's values, fields in the grid's order, the last varying fastest. */
function product(grid: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [field, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [field]: v })));
  }
  return points;
}

/**
 * The runs of a spec in order: grid by grid, point by point, seed by seed. A point that two grids
 * share runs once.
 */
export function planRuns(spec: ExperimentSpec, where: string): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const seen = new Set<string>();
  spec.grids.forEach((grid, g) => {
    for (const point of product(grid)) {
      for (const seed of spec.seeds) {
        const recipe = completeRecipe({ ...spec.base, ...point, seed }, `${where}: grids[${g}] ${JSON.stringify(point)}`);
        const key = recipeKey(recipe);
        if (seen.has(key)) continue;
        seen.add(key);
        runs.push({ recipe, key, groupKey: groupKeyOf(recipe) });
      }
    }
  });
  return runs;
}

/** The identity of a run's group: its recipe without the seed. */
export function groupKeyOf(r: RunRecipe): string {
  return recipeKey({ ...r, seed: 0 });
}

/** The fields whose value differs between the runs (seed excluded), in RECIPE_FIELDS order. */
export function varyingFields(runs: readonly PlannedRun[]): (keyof RunRecipe)[] {
  return RECIPE_FIELDS.filter((f) => f !== 'seed' &&
    new Set(runs.map((r) => JSON.stringify(r.recipe[f] ?? null))).size > 1);
}
