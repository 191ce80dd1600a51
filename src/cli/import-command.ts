/** `sobolnet import <weights> --into <model>`. Placeholder: being built (issue #12). */
import type { Command } from 'commander';

export function registerImport(program: Command): void {
  void program;
}
