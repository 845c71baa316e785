/** `count` and `noun`, plural unless the count is 1: counts as the demo and the search box show them. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
