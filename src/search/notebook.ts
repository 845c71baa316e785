/**
 * Jupyter notebooks (`.ipynb`, nbformat 4) read as the code their cells hold. A notebook is JSON: each
 * code cell's source a list of strings, one line each, written one to a line of the file (as Jupyter,
 * VS Code and nbformat write them), among outputs and metadata that are no one's search. The file is
 * read as lines of the same count: each line of a code cell's source in place, decoded, and every
 * other line blank. So the chunker cuts the cells as it cuts code, a result's lines are the notebook
 * file's own (where an editor showing its JSON, or a stack trace, puts them), and a line that holds a
 * cell's code is always in a chunk. A notebook whose cells cannot all be found so (not JSON, another
 * format version, a cell's source written as one string) is read as it is, as any text.
 */

/** Whether a path is a Jupyter notebook. */
export const isNotebook = (path: string): boolean => path.toLowerCase().endsWith('.ipynb');

/**
 * The notebook `content`'s lines with every line that is not a code cell's source blank, each source
 * line decoded; undefined where its code cells cannot all be found (read the file as text instead).
 */
export function notebookLines(content: string): string[] | undefined {
  const sources = codeCellSources(content);
  if (!sources) return undefined;
  const raw = content.split(/\r?\n/);
  const lines: string[] = new Array(raw.length).fill('');
  let next = 0;
  for (const source of sources) {
    const encoded = source.map((line) => JSON.stringify(line));
    let first = next;
    while (first < raw.length && !holds(raw[first], encoded[0])) first++;
    if (first === raw.length || !encoded.every((line, k) => holds(raw[first + k] ?? '', line))) return undefined;
    source.forEach((line, k) => (lines[first + k] = line.replace(/\r?\n$/, '')));
    next = first + source.length;
  }
  return lines;
}

/** Whether a line of the file is the JSON string `encoded` as a list's item (followed by a comma, or last). */
const holds = (line: string, encoded: string): boolean => {
  const item = line.trim();
  return item === encoded || item === `${encoded},`;
};

/** Each code cell's source lines, in order (cells without any left out); undefined where the content is no nbformat 4 notebook or a source is not a list of strings. */
function codeCellSources(content: string): string[][] | undefined {
  let notebook: unknown;
  try {
    notebook = JSON.parse(content);
  } catch {
    return undefined;
  }
  const { nbformat, cells } = (notebook ?? {}) as { nbformat?: unknown; cells?: unknown };
  if (nbformat !== 4 || !Array.isArray(cells)) return undefined;
  const sources: string[][] = [];
  for (const cell of cells as unknown[]) {
    const { cell_type: type, source } = (cell ?? {}) as { cell_type?: unknown; source?: unknown };
    if (type !== 'code') continue;
    if (!Array.isArray(source) || !source.every((line) => typeof line === 'string')) return undefined;
    if (source.length > 0) sources.push(source as string[]);
  }
  return sources;
}
