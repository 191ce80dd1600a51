/**
 * The untrained network of a recipe as a model file: the topology, the deterministic
 * initialisation and the input preparation that `sobolnet train` (and `sobolnet experiment`) would
 * start from, with no training step taken. For training elsewhere: export it with
 * `sobolnet export --format torch`, its data with scripts/export-data.ts, and train it with
 * python/examples (train_ddp.py, recipe_study.py); `sobolnet import --into` brings the weights back.
 *
 *   node --import tsx scripts/init-model.ts '<recipe JSON>' --out init.sobolnet [--data <dir>]
 *
 * The recipe uses the fields of an experiment spec (docs/experiments.md), e.g.
 *   '{"dataset":"fashion-mnist","arch":"cnn","density":0.25,"seed":2}'
 * and is completed with the same defaults. With per-channel normalisation the statistics are
 * those of the recipe's training part (validation held out), so `--data` must hold the files.
 * The model file's meta records the data set, the input order, the training configuration the
 * recipe asks for (`train`) and the normalisation, as a trained model's does, plus the completed
 * recipe (`recipe`) and `untrained: true`.
 */
import { parseArgs } from 'node:util';
import { runScript } from './lib/run-script.js';
import { SobolnetError } from '../src/core/errors.js';
import { shortJson } from '../src/core/parse-with-schema.js';
import { loadDataset } from '../src/data/node/load-dataset.js';
import { resolvedModelSpec } from '../src/experiment/path-count.js';
import { dataForRecipe } from '../src/experiment/run-record.js';
import { completeRecipe, NETWORK_DEFAULTS, trainConfigOf } from '../src/experiment/run-recipe.js';
import { referenceKernels } from '../src/kernels/reference-kernels.js';
import { Model } from '../src/model/model.js';
import { saveModel } from '../src/model/node/model-io.js';

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: {
    out: { type: 'string' }, data: { type: 'string' },
  } });
  if (positionals.length !== 1 || values.out === undefined) {
    throw new SobolnetError('usage: init-model.ts \'<recipe JSON>\' --out <model.sobolnet> [--data <dir>]');
  }
  let fields: unknown;
  try {
    fields = JSON.parse(positionals[0]);
  } catch {
    throw new SobolnetError(`the recipe must be a JSON object, got ${JSON.stringify(positionals[0])}`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new SobolnetError(`the recipe must be a JSON object, got ${shortJson(fields)}`);
  }
  const recipe = completeRecipe(fields, 'recipe');
  const model = new Model(resolvedModelSpec(recipe, NETWORK_DEFAULTS.fanIn), referenceKernels);
  const normalization = recipe.normalization === 'per-channel'
    ? dataForRecipe(recipe, loadDataset(recipe.dataset, values.data)).train.normalization : undefined;
  saveModel(values.out, model, {
    dataset: recipe.dataset, arch: recipe.arch, inputOrder: recipe.inputOrder, train: trainConfigOf(recipe), recipe, untrained: true,
    ...(normalization ? { normalization } : {}),
  });
  process.stdout.write(`wrote ${values.out}: the untrained ${recipe.arch} of the recipe (${model.parameterCount} parameters)\n`);
}

runScript('init-model', main);
