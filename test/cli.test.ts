/** The `c2llm embed` command as other tools use it: stdout carries only the JSON, errors are one line. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { cosine, expectEmbeddingsMatch, INT8_MIN_COSINE } from './helpers/compare';
import { TEXTS, checkpointDir, copyCheckpoint, golden } from './helpers/fixtures';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'c2llm-cli-'));

function c2llm(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('node', [join(ROOT, 'bin', 'c2llm.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeTexts(texts: unknown): string {
  const file = join(work, `texts-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof texts === 'string' ? texts : JSON.stringify(texts));
  return file;
}

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build:cli'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
});

describe('c2llm embed', () => {
  const texts = TEXTS.slice(0, 9);
  const input = writeTexts(texts);

  test.each(['webgpu', 'cpu', 'reference'])('--device %s writes {dim, embeddings} to stdout, matching the goldens', (device) => {
    const { code, stdout, stderr } = c2llm(['embed', '--model', checkpointDir('small-bf16-gqa2'), '--input', input, '--device', device]);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['dim', 'embeddings']);
    expect(out.dim).toBe(96);
    expectEmbeddingsMatch(out.embeddings, golden('small-bf16-gqa2').embeddings.slice(0, 9), `cli ${device}`);
    expect(stderr).toMatch({ webgpu: /using WebGPU: /, cpu: /using CPU \(onnxruntime-node\)/, reference: /using TypeScript reference/ }[device]!);
  });

  test('--output, --max-length and --batch-size', () => {
    const output = join(work, 'out.json');
    const long = writeTexts([TEXTS[9], 'x']);
    const { code, stdout, stderr } = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', long, '--output', output, '--max-length', '2048', '--batch-size', '1']);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('');
    const out = JSON.parse(readFileSync(output, 'utf8'));
    const expected = golden('tiny-f32-gqa1').embeddings;
    expectEmbeddingsMatch(out.embeddings, [expected[9], expected[1]], 'cli output file');
  });

  test('auto picks the CPU backend over the software adapter here, and says why', () => {
    const { code, stderr } = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', writeTexts(['a'])]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/using CPU \(onnxruntime-node\), because the only WebGPU adapter, google swiftshader.*, is a software fallback/);
  });

  test('--device webgpu with no adapter fails clearly; auto falls back to the CPU and says so', () => {
    const noDriver = { VK_ICD_FILENAMES: '/nonexistent/icd.json' };
    const forced = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', writeTexts(['a']), '--device', 'webgpu'], noDriver);
    expect(forced.code).not.toBe(0);
    expect(forced.stdout).toBe('');
    expect(forced.stderr).toMatch(/no WebGPU adapter was found/);
    const auto = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', writeTexts(['a'])], noDriver);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/using CPU \(onnxruntime-node\), because no usable WebGPU adapter/);
  });

  test('a malformed checkpoint exits non-zero with one message naming file and tensor', () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    const file = join(dir, 'model.safetensors');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    const { code, stdout, stderr } = c2llm(['embed', '--model', dir, '--input', writeTexts(['a']), '--device', 'cpu']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n').filter((l) => l.startsWith('c2llm:'))).toEqual([expect.stringMatching(/^c2llm: model\.safetensors: tensor ".+": data_offsets end \d+ is past the end/)]);
    rmSync(dir, { recursive: true });
  });

  test('a missing model directory names the file', () => {
    const { code, stderr } = c2llm(['embed', '--model', join(work, 'nope'), '--input', writeTexts(['a'])]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/nope\/config\.json: file not found/);
  });

  test('a model given as a file, not its folder, says so (embed, quantize)', () => {
    const file = join(checkpointDir('tiny-f32-gqa1'), 'config.json');
    for (const args of [['embed', '--input', writeTexts(['a'])], ['quantize', '--output', join(work, 'never')]]) {
      const { code, stderr } = c2llm([...args, '--model', file]);
      expect([code, stderr]).toEqual([1, `c2llm: ${file}: is a file, not a model's folder\n`]);
    }
  });

  test.each([
    ['not JSON', '{oops', /is not valid JSON/],
    ['not an array', '{"a": 1}', /must be a JSON array of strings/],
    ['not strings', '["a", 3]', /element 1 is 3, not a string/],
  ])('bad input (%s) is a clear error', (_, content, pattern) => {
    const { code, stdout, stderr } = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', writeTexts(content), '--device', 'cpu']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
  });

  test('bad flags are clear errors', () => {
    expect(c2llm(['embed', '--model', 'x', '--input', 'y', '--device', 'tpu']).stderr).toMatch(/--device must be webgpu, cpu, reference or auto/);
    expect(c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', input, '--max-length', '0']).stderr).toMatch(/--max-length must be a positive integer/);
    expect(c2llm(['embed', '--bogus']).code).toBe(1);
    expect(c2llm([]).stderr).toMatch(/usage: c2llm embed/);
  });

  test('a huge --max-length is a one-line error, not a RangeError with a stack trace', () => {
    const { code, stderr } = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', input, '--max-length', '1000000000']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--max-length must be at most 32768 tokens, got 1000000000/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('an --output in a missing folder fails before any computing, and a good one is written whole', () => {
    const missing = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', input, '--output', join(work, 'no-such-folder', 'out.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/out\.json: cannot be written \(its folder .*no-such-folder does not exist\)/);
    expect(missing.stderr).not.toMatch(/using /);
    const folder = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', input, '--output', work]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/: cannot be written \(it is a folder; name a file\)\n$/);
    expect(folder.stderr).not.toMatch(/using /);
    const output = join(work, 'whole.json');
    writeFileSync(output, 'old content');
    const { code, stderr } = c2llm(['embed', '--model', checkpointDir('tiny-f32-gqa1'), '--input', input, '--output', output, '--device', 'reference', '--progress']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/c2llm: 9\/9 texts · \d+ tokens\/s/);
    expectEmbeddingsMatch(JSON.parse(readFileSync(output, 'utf8')).embeddings, golden('tiny-f32-gqa1').embeddings.slice(0, 9), 'cli --output');
  });

  test('a reader that closes the pipe early (| head) ends the run quietly, exit 0', () => {
    const cli = join(ROOT, 'bin', 'c2llm.js');
    const result = spawnSync('bash', ['-c', `set -o pipefail; node ${cli} embed --model ${checkpointDir('tiny-f32-gqa1')} --input ${writeTexts(Array(3000).fill('def f(): pass'))} --device reference | head -c 10`], { encoding: 'utf8', timeout: 300_000 });
    expect(result.stdout).toBe('{"dim":64,');
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(result.status).toBe(0);
  });
});

describe('c2llm quantize', () => {
  test('writes into a temporary folder renamed at the end: a leftover of an interrupted run is removed, the re-run completes', () => {
    const output = join(work, 'restart');
    mkdirSync(`${output}.partial`, { recursive: true });
    writeFileSync(join(`${output}.partial`, 'model-00001-of-00002.safetensors'), 'half a shard');
    const { code, stderr } = c2llm(['quantize', '--model', checkpointDir('tiny-f32-gqa1'), '--output', output]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/removing .*restart\.partial, left by an interrupted run/);
    expect(existsSync(`${output}.partial`)).toBe(false);
    expect(readdirSync(output).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
  });

  test('a checkpoint with an infinite weight is refused before anything is written', () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    const file = join(dir, 'model.safetensors');
    const bytes = readFileSync(file);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    bytes.writeFloatLE(Infinity, 8 + headerLength + 100 * 4);
    writeFileSync(file, bytes);
    const output = join(work, 'never');
    const { code, stderr } = c2llm(['quantize', '--model', dir, '--output', output]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/holds a non-finite value \(NaN or infinity\) at index/);
    expect(existsSync(output) || existsSync(`${output}.partial`)).toBe(false);
  });

  test('writes the int8 layout that c2llm embed then reads; bad flags and a used folder are clear errors', () => {
    const output = join(work, 'int8');
    const quantize = c2llm(['quantize', '--model', checkpointDir('tiny-f32-gqa1'), '--output', output]);
    expect(quantize.code, quantize.stderr).toBe(0);
    expect(quantize.stderr).toMatch(/MiB of safetensors, from .* MiB of model tensors/);
    const { code, stdout, stderr } = c2llm(['embed', '--model', output, '--input', writeTexts(TEXTS.slice(2, 5)), '--device', 'reference']);
    expect(code, stderr).toBe(0);
    JSON.parse(stdout).embeddings.forEach((v: number[], i: number) => expect(cosine(v, golden('tiny-f32-gqa1').embeddings[i + 2])).toBeGreaterThan(INT8_MIN_COSINE));
    expect(c2llm(['quantize', '--model', checkpointDir('tiny-f32-gqa1'), '--output', output]).stderr).toMatch(/int8: already exists and is not empty; choose a new or empty output folder/);
    const file = join(output, 'model.safetensors');
    const onFile = c2llm(['quantize', '--model', checkpointDir('tiny-f32-gqa1'), '--output', file]);
    expect([onFile.code, onFile.stderr]).toEqual([1, `c2llm: ${file}: is a file; choose a new or empty output folder\n`]);
    expect(c2llm(['quantize', '--model', checkpointDir('tiny-f32-gqa1'), '--output', join(work, 'x'), '--max-shard-mb', '0']).stderr).toMatch(/--max-shard-mb must be a positive number/);
    expect(c2llm(['quantize', '--output', output]).stderr).toMatch(/--model and --output are required/);
  });
});

describe('command-line conventions', () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

  test.each(['--help', '-h', 'help'])('`c2llm %s` prints the usage of every command on stdout, exit 0', (flag) => {
    const { code, stdout, stderr } = c2llm([flag]);
    expect(code, stderr).toBe(0);
    for (const command of ['embed', 'quantize', 'index', 'merge', 'search']) expect(stdout).toMatch(new RegExp(`c2llm ${command} `));
  });

  test.each(['--version', '-V', 'version'])('`c2llm %s` prints the version', (flag) => {
    const { code, stdout } = c2llm([flag]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`c2llm ${version}`);
  });

  test.each(['embed', 'quantize', 'index', 'merge', 'split', 'search'])('`c2llm %s --help` (and `-h`, and `help` before it) prints that command\'s usage, what it does and every flag it takes; exit 0', (command) => {
    const helps = [[command, '--help'], [command, '-h'], ['help', command], [command, '--output', 'x', '--help']].map((args) => {
      const { code, stdout, stderr } = c2llm(args);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(0);
      return stdout;
    });
    expect(new Set(helps).size).toBe(1);
    const [usage, blank, ...rest] = helps[0].trimEnd().split('\n');
    expect([usage, blank]).toEqual([expect.stringMatching(new RegExp(`^usage: c2llm ${command} `)), '']);
    // A flag's line: `  --flag <value>  meaning`, or with its short form first, `  -o, --flag <value>  meaning`.
    const described = rest.filter((line) => /^ {2}(-\w, )?(--|<)/.test(line)).map((line) => line.trim().replace(/^-\w, /, '').split(/ {2,}/));
    // Each flag of the usage line is described, on its line or the next.
    for (const flag of new Set(usage.match(/--[a-z][a-z-]*/g))) expect(described.some(([name]) => name.split(' ')[0] === flag), `${command} ${flag}`).toBe(true);
    if (command !== 'merge' && command !== 'split' && command !== 'quantize') {
      for (const flag of ['--revision', '--host', '--offline']) expect(described.some(([name]) => name.startsWith(flag)), `${command} ${flag}`).toBe(true);
    }
    expect(rest.every((line) => line.length <= 100), 'lines of at most 100 characters').toBe(true);
  });

  test.each(['embed', 'index', 'search'])('an unknown flag of `c2llm %s` is named, then that command\'s usage; exit 1', (command) => {
    const { code, stdout, stderr } = c2llm([command, '--frobnicate', 'x']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`c2llm: unknown option '--frobnicate'\n${stderr.split('\n')[1]}\n`);
    expect(stderr.split('\n')[1]).toMatch(new RegExp(`^usage: c2llm ${command} `));
  });

  test.each([
    ['index', '--out', '--output'],
    ['search', '--lang', '--language'],
    ['search', '--languages', '--language'],
    ['embed', '--ouptut', '--output'],
    ['index', '--no-text', '--no-texts'],
    ['search', '--ofline', '--offline'],
  ])('`c2llm %s %s`: the flag it most likely meant is named beside it', (command, flag, meant) => {
    const { code, stderr } = c2llm([command, flag, 'x']);
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toBe(`c2llm: unknown option '${flag}' (did you mean ${meant}?)`);
  });

  test('an unknown flag that could mean several, or none, is named alone', () => {
    expect(c2llm(['index', '--s', 'x']).stderr.split('\n')[0]).toBe("c2llm: unknown option '--s'");
    expect(c2llm(['search', '--query-file', 'x']).stderr.split('\n')[0]).toBe("c2llm: unknown option '--query-file'");
  });

  test('a flag given a value that starts with a dash says in one line how to write it, then the usage', () => {
    const { code, stderr } = c2llm(['search', '--index', 'x.c2idx', '--query', 'x', '--k', '-1']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^c2llm: --k: a value that starts with '-' is written --k=<value>\nusage: c2llm search /);
    expect(stderr.trim().split('\n')).toHaveLength(2);
  });

  test('an unknown command is named, then the usage', () => {
    const { code, stderr } = c2llm(['frobnicate']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^c2llm: unknown command "frobnicate"\nusage: c2llm embed /);
  });
});
