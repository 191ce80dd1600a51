/**
 * Training progress on stderr: a live bar (loss, accuracy, samples/s) on a terminal, and one
 * line per epoch everywhere (training loss and accuracy, validation accuracy when there is a
 * validation split; the test set is evaluated only after training), so logs and CI output stay readable.
 *
 * The hooks live exactly as long as the synchronous training loop (until `stop()`): meanwhile the
 * CLI's SIGINT/SIGTERM handlers are suspended, so that a signal ends training at once instead of
 * waiting for the loop to return, and the bar neither hides the cursor nor turns off line
 * wrapping (it trims itself to the width), so that such an end leaves the terminal as it was.
 */
import cliProgress from 'cli-progress';
import type { BatchProgress, EpochReport, TrainHooks } from '../train/trainer.js';
import { suspendInterruptHandlers } from './interrupt.js';

export function progressHooks(epochs: number, quiet: boolean): TrainHooks & { stop(): void } {
  const live = !quiet && process.stderr.isTTY === true;
  const bar = live ? new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | acc {acc} % | {sps} samples/s | eta {eta_formatted}',
    barsize: 24, hideCursor: false, linewrap: true, clearOnComplete: true, etaBuffer: 50,
  }, cliProgress.Presets.shades_classic) : null;
  let started = -1;
  const resumeInterruptHandlers = suspendInterruptHandlers();
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
    stop() { bar?.stop(); resumeInterruptHandlers(); },
  };
}
