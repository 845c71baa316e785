// Preloaded by benchmarks (`node --import ./bench/peak-memory.mjs <program>`): the process's peak resident memory, in KB, as its last line on stderr.
process.on('exit', () => process.stderr.write(`\nmaxRSS ${process.resourceUsage().maxRSS}\n`));
