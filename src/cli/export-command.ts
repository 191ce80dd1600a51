/** `sobolnet export <model> --format onnx|torch --out <file>`. Placeholder: being built (issue #12). */
import type { Command } from 'commander';

export function registerExport(program: Command): void {
  void program;
}
