/**
 * Training progress on stderr: a live bar (loss, accuracy, samples/s) on a terminal, and one
 * line per epoch everywhere (training loss and accuracy, validation accuracy when there is a
 * validation split; the test set is evaluated only after training), so logs and CI output stay readable.
 */
import cliProgress from 'cli-progress';
import type { BatchProgress, EpochReport, TrainHooks } from '../train/trainer.js';

export function progressHooks(epochs: number, quiet: boolean): TrainHooks & { stop(): void } {
  const live = !quiet && process.stderr.isTTY === true;
  const bar = live ? new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | acc {acc} % | {sps} samples/s | eta {eta_formatted}',
    barsize: 24, hideCursor: true, clearOnComplete: true, etaBuffer: 50,
  }, cliProgress.Presets.shades_classic) : null;
  let started = -1;
  return {
    onBatch(p: BatchProgress) {
      if (!bar) return;
      const payload = { epoch: p.epoch + 1, epochs, loss: p.loss.toFixed(4), acc: (100 * p.accuracy).toFixed(2), sps: Math.round(p.samplesPerSecond) };
      if (started !== p.epoch) { bar.start(p.batches, p.batch, payload); started = p.epoch; }
      else bar.update(p.batch, payload);
    },
    onEpoch(r: EpochReport) {
      if (bar) { bar.stop(); started = -1; }
      if (quiet) return;
      process.stderr.write(
        `epoch ${String(r.epoch + 1).padStart(String(epochs).length)}/${epochs}  loss ${r.trainLoss.toFixed(4)}  ` +
        `train ${(100 * r.trainAccuracy).toFixed(2)} %  ` +
        (r.validationAccuracy === null ? '' : `validation ${(100 * r.validationAccuracy).toFixed(2)} %  `) +
        `${r.seconds.toFixed(1)} s  ${Math.round(r.samplesPerSecond)} samples/s\n`);
    },
    stop() { bar?.stop(); },
  };
}
