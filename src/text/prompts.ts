/**
 * What C2LLM was trained to see: a task instruction in front of a query, the "Retrieved Answer:"
 * prefix in front of a document. The instructions are the ones used for MTEB-Code. A code-search query
 * is given as a description of code, as the model was trained on: without the words that make it a
 * request or the question mark that ends it (query-form.ts `asDescription`).
 */
import { InputError } from '../errors';
import { asDescription } from './query-form';

export const TASK_INSTRUCTIONS = {
  'code-search': 'Retrieve the code that solves the following query:\n',
  'web-query': 'Given a query from a web search, retrieve code that is helpful in addressing the query.\n',
  'contest-problem': 'Given a problem description from a programming contest, retrieve code examples that can assist in solving it.\n',
  'code-continuation': 'Given an initial code segment, retrieve the subsequent segment that continues the code.\n',
  'code-to-docstring': 'Given a code snippet, retrieve its corresponding document string that summarizes its functionality.\n',
  'text-to-sql': 'Given a natural language question, retrieve SQL queries that serve as appropriate responses.\n',
  'stackoverflow-qa': 'Given a question combining text and code, retrieve relevant answers that also contain both text and code snippets and can address the question.\n',
  'code-edit': 'Retrieve the diff code that relevant the following query:\n',
  'code-translation': 'Given a Python code snippet, retrieve its semantically equivalent version written in C++.\n',
} as const;

export type Task = keyof typeof TASK_INSTRUCTIONS;
export const DEFAULT_TASK: Task = 'code-search';
export const DOCUMENT_PREFIX = 'Retrieved Answer:';

export interface PromptOptions {
  /** 'query' prepends the task's instruction, 'document' the document prefix; raw text when absent. */
  readonly kind?: 'query' | 'document';
  readonly task?: Task;
  /** A custom instruction, used instead of the task's. */
  readonly instruction?: string;
}

export function applyPrompt(text: string, options: PromptOptions = {}): string {
  if (options.kind === 'document') return DOCUMENT_PREFIX + text;
  if (options.kind !== 'query') return text;
  if (options.instruction !== undefined) return options.instruction + text;
  const task = options.task ?? DEFAULT_TASK;
  const instruction = TASK_INSTRUCTIONS[task];
  if (instruction === undefined) throw new InputError(`unknown task "${task}" (known: ${Object.keys(TASK_INSTRUCTIONS).join(', ')})`);
  return instruction + (task === 'code-search' ? asDescription(text) : text);
}
