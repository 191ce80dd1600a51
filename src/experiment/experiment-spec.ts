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
import { check, SobolnetError } from '../core/errors.js';
import { checkRecipeField, completeRecipe, recipeKey, RECIPE_FIELDS, type RunRecipe } from './run-recipe.js';
import { RANK_BY, type RankBy } from './summarize.js';

export interface ExperimentSpec {
  /** Names the output files: lower-case letters, digits and dashes. */
  readonly name: string;
  readonly description: string;
  readonly base: Readonly<Record<string, unknown>>;
  readonly grids: readonly Readonly<Record<string, readonly unknown[]>>[];
  readonly seeds: readonly number[];
  /** Fields whose values name a line in the plots and a block of the table (default: every varying field but counts and seed). */
  readonly series?: readonly string[];
  /** Which accuracy marks the table's best row and the plots draw (default: validation when every group has it). */
  readonly rankBy?: RankBy;
}

/** One run of an experiment: its recipe, identity, and the group it averages with (same recipe, other seed). */
export interface PlannedRun {
  readonly recipe: RunRecipe;
  readonly key: string;
  readonly groupKey: string;
}

const SPEC_KEYS = ['name', 'description', 'base', 'grids', 'seeds', 'series', 'rankBy'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates parsed JSON as an experiment spec; `where` (the file) prefixes every error. */
export function parseExperimentSpec(json: unknown, where: string): ExperimentSpec {
  check(isObject(json), () => `${where}: an experiment spec must be a JSON object`);
  for (const k of Object.keys(json)) {
    check(SPEC_KEYS.includes(k), () => `${where}: unknown key "${k}" (keys: ${SPEC_KEYS.join(', ')})`);
  }
  const { name, description = '', base = {}, grids, seeds, series, rankBy } = json;
  check(typeof name === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(name), () =>
    `${where}: name must be lower-case letters, digits and dashes, got ${JSON.stringify(name)}`);
  check(typeof description === 'string', () => `${where}: description must be a string`);
  check(isObject(base), () => `${where}: base must be an object of recipe fields, got ${JSON.stringify(base)}`);
  check(!('seed' in base), () => `${where}: base sets seed; list the seeds in "seeds" instead`);
  for (const [field, value] of Object.entries(base)) checkRecipeField(field, value, `${where}: base`);
  check(Array.isArray(grids) && grids.length > 0, () => `${where}: grids must be a non-empty list of objects`);
  grids.forEach((grid: unknown, g) => {
    const at = `${where}: grids[${g}]`;
    check(isObject(grid), () => `${at} must be an object of field: [values]`);
    for (const [field, values] of Object.entries(grid)) {
      check(field !== 'seed', () => `${at} varies seed; list the seeds in "seeds" instead`);
      check(Array.isArray(values) && values.length > 0, () =>
        `${at}.${field} must be a non-empty list of values, got ${JSON.stringify(values)}`);
      values.forEach((v: unknown, i: number) => checkRecipeField(field, v, `${at}.${field}[${i}]`));
    }
  });
  check(Array.isArray(seeds) && seeds.length > 0 && seeds.every((s) => Number.isSafeInteger(s) && (s as number) >= 0),
    () => `${where}: seeds must be a non-empty list of integers ≥ 0, got ${JSON.stringify(seeds)}`);
  check(new Set(seeds).size === seeds.length, () => `${where}: seeds repeat: ${JSON.stringify(seeds)}`);
  if (series !== undefined) {
    check(Array.isArray(series) && series.every((f) => typeof f === 'string' && RECIPE_FIELDS.includes(f as keyof RunRecipe)),
      () => `${where}: series must list recipe fields, got ${JSON.stringify(series)}`);
  }
  check(rankBy === undefined || (RANK_BY as readonly unknown[]).includes(rankBy), () =>
    `${where}: rankBy must be one of ${RANK_BY.join(', ')}, got ${JSON.stringify(rankBy)}`);
  return {
    name, description, base, grids: grids as ExperimentSpec['grids'], seeds: seeds as number[],
    ...(series !== undefined ? { series: series as string[] } : {}),
    ...(rankBy !== undefined ? { rankBy: rankBy as RankBy } : {}),
  };
}

/** Parses the text of a spec file. */
export function parseExperimentSpecText(text: string, where: string): ExperimentSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SobolnetError(`${where}: not valid JSON (${(e as Error).message})`);
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
