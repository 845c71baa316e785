/**
 * The baselines' graph: the bench checkpoint exported to ONNX by PyTorch (tools/export_onnx.py, which
 * needs Debian's python3-torch), written once beside the checkpoint as torch-export.onnx and reused.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export const TORCH_EXPORT_FILE = 'torch-export.onnx';

export function ensureTorchExport(checkpointDir: string, log: (line: string) => void): string {
  const out = join(checkpointDir, TORCH_EXPORT_FILE);
  if (existsSync(out)) return out;
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  log(`exporting ${checkpointDir} to ONNX with PyTorch (${python} tools/export_onnx.py)`);
  const partial = `${out}.partial`;
  const run = spawnSync(python, ['tools/export_onnx.py', checkpointDir, partial], { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(
      `tools/export_onnx.py failed for ${checkpointDir}: the baseline is PyTorch's ONNX export of the checkpoint, ` +
        `which needs Debian's python3-torch (apt-get install python3-torch; set PYTHON to use another interpreter).\n${run.error?.message ?? run.stderr}`,
    );
  }
  renameSync(partial, out);
  return out;
}
