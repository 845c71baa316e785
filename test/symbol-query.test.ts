import { describe, expect, test } from 'vitest';
import { definesAName, definingChunks, symbolOfQuery } from '../src/search/symbol-query';

/** Whether `line` defines `name`. */
const defines = (name: string, line: string) => definingChunks(name, [{ id: 0, text: line }]).has(0);

describe('symbol queries', () => {
  test('a query that is one name, qualified or not, names its last part; any other query names none', () => {
    expect(['urlsplit', 'os.path.join', 'Vec::with_capacity()', 'Router#call', '$this->render', 'App\\Kernel', '$http', 'Request#head?'].map(symbolOfQuery)).toEqual(['urlsplit', 'join', 'with_capacity', 'call', 'render', 'Kernel', '$http', 'head?']);
    expect(['class Router', 'fn with_capacity', 'def urlsplit()', 'func (*Mux).ServeHTTP'].map(symbolOfQuery)).toEqual(['Router', 'with_capacity', 'urlsplit', undefined]);
    expect(['split a url', 'os.path.join(a, b)', '', '  ', 'a..b', 'foo-bar', '2fa', 'type coercion rules', 'function of a function'].map(symbolOfQuery)).toEqual(Array(9).fill(undefined));
  });

  test('a name in a frame that asks for its definition names it; the frame around words names none', () => {
    const asked = ['where is parseDate defined?', 'Where are `Router.ServeHTTP` declared', 'where do we define CodeGen', 'where does ajv implement Ajv2020', 'definition of urlsplit', 'go to the definition of Vec::with_capacity()', 'the source of os.path.join', 'Request#head? implementation'];
    expect(asked.map(symbolOfQuery)).toEqual(['parseDate', 'ServeHTTP', 'CodeGen', 'Ajv2020', 'urlsplit', 'with_capacity', 'join', 'head?']);
    expect(['what does parseDate do?', 'what is CodeGen', 'how does Router.ServeHTTP work', 'how is urlsplit implemented'].map(symbolOfQuery)).toEqual(['parseDate', 'CodeGen', 'ServeHTTP', 'urlsplit']);
    expect(['where is rate limiting implemented', 'definition of done', 'where is the cache defined', 'what is a tilde range', 'how does a range work', 'empty?', 'valid!'].map(symbolOfQuery)).toEqual([undefined, 'done', undefined, undefined, undefined, 'empty?', 'valid!']);
  });

  test.each([
    ['python', 'urlsplit', 'def urlsplit(url, scheme=\'\', allow_fragments=True):'],
    ['python', 'locate', '    locate = lambda c: c.__class__.__name__ in self.allowed'],
    ['python class', 'Mailbox', 'class Mailbox:'],
    ['go function', 'Reverse', 'func Reverse(s string) string {'],
    ['go method', 'ServeHTTP', 'func (mx *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {'],
    ['go type', 'Mux', 'type Mux struct {'],
    ['rust', 'with_capacity', 'pub(crate) fn with_capacity(n: usize) -> Self {'],
    ['rust trait', 'Visitor', 'pub trait Visitor<\'de>: Sized {'],
    ['rust macro', 'arg_impl', 'macro_rules! arg_impl {'],
    ['javascript', 'parseRange', '  parseRange (range) {'],
    ['javascript binding', 'parse', 'export const parse = (version, options) => {'],
    ['typescript', 'fetchAll', '  async fetchAll<T>(url: string): Promise<T[]> {'],
    ['typescript interface', 'ErrorObject', 'export interface ErrorObject<K extends string = string> {'],
    ['ruby', 'call', '    def self.call(env)'],
    ['ruby predicate', 'head?', '    def head?'],
    ['php', 'fromString', '    public static function fromString(string $s): self'],
    ['java', 'parseInt', '    public static int parseInt(String s, int radix) throws NumberFormatException {'],
    ['c', 'deflate', 'int ZEXPORT deflate (z_streamp strm, int flush)'],
    ['c macro', 'MAX_WBITS', '#  define MAX_WBITS   15'],
    ['c++', 'PrintFailedTests', 'void PrettyUnitTestResultPrinter::PrintFailedTests(const UnitTest& unit_test) {'],
    ['c++ one-line body', 'set_elapsed_time', '  void set_elapsed_time(TimeInMillis elapsed) { elapsed_time_ = elapsed; }'],
    ['c++ qualifiers', 'size', '  size_type size() const noexcept {'],
    ['c++ trailing return type', 'apply', 'auto apply(F f) -> decltype(f()) {'],
    ['c parameters on the next lines', 'inflateInit2_', 'int ZEXPORT inflateInit2_(z_streamp strm, int windowBits,'],
    ['java throws', 'run', '    public void run() throws IOException {'],
  ])('%s: a definition of %s', (_, name, line) => expect(defines(name, line)).toBe(true));

  test.each([
    ['a call', 'urlsplit', '    parts = urlsplit(url)'],
    ['a call as a statement', 'urlsplit', '    urlsplit(url)'],
    ['a returned call', 'urlsplit', '    return urlsplit(url)'],
    ['a C call', 'deflate', '  err = deflate(&strm, Z_FINISH);'],
    ['a declaration without a body', 'foo', '  Foo foo(a);'],
    ['a condition', 'foo', '\tif foo(a) {'],
    ['a Go range', 'foo', '\tfor _, x := range foo(a) {'],
    ['a Rust match', 'foo', '    match foo(x) {'],
    ['an else-if', 'foo', '  } else if (foo(a)) {'],
    ['a longer name', 'split', 'def urlsplit(url):'],
    ['a mention in a comment', 'Reverse', '// Reverse is defined in util.go'],
    ['a Rust local binding', 'comparator', '    let comparator = Comparator {'],
    ['prose that mentions a call', 'lru_cache', '        per element.  This is important because the lru_cache() will hash'],
    ['a C++ continued expression', 'ReactionMap', '             : ReactionMap()[reinterpret_cast<uintptr_t>('],
  ])('%s of %s is not a definition', (_, name, line) => expect(defines(name, line)).toBe(false));

  test('a hostile chunk (half a megabyte on one line, or of lines that each nearly define the name) is read in time proportional to its length', () => {
    for (const text of ['foo(' + ') x '.repeat(125_000), 'foo(' + ')\n'.repeat(250_000), 'int ' + 'a '.repeat(250_000) + 'foo(', ('foo(a) ' + '{ '.repeat(10) + ') ').repeat(20_000), 'int foo(' + ') const '.repeat(60_000) + 'x']) {
      const started = performance.now();
      expect(definingChunks('foo', [{ id: 0, text }]).size).toBeLessThanOrEqual(1);
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(500); // a few ms; quadratic backtracking took minutes
    }
  });

  test('a line that defines any name, in the same forms; a statement, a call or a comment defines none', () => {
    const definitions = ['export function parseHeader(line: string) {', '    def get_backoff_time(self):', 'func (mx *Mux) Use(middlewares ...func(http.Handler) http.Handler) {', 'pub(crate) fn new(width: usize) -> Self {', 'bool ShouldShard(const char* total_shards_env, const char* shard_index_env,', '  const hyphenReplace = incPr => ($0,', 'class Router:'];
    expect(definitions.filter((line) => !definesAName(line))).toEqual([]);
    const others = ['  if (ty === "object" && properties) {', '  } catch (e) {', '    return parse(line)', '    while (next(it)) {', '// func Reverse returns s reversed', 'x := Reverse(s)', '  for (const key in schema) {', '  switch (truncation) {'];
    expect(others.filter(definesAName)).toEqual([]);
    for (const text of ['int ' + 'a '.repeat(250_000) + 'foo(', 'a '.repeat(250_000), 'int foo(' + ') const '.repeat(60_000) + 'x']) {
      const started = performance.now();
      definesAName(text);
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(500); // about 20 ms for half a megabyte
    }
  });

  test('of several chunks, those that define the name; a chunk without a text defines nothing', () => {
    const chunks = [{ id: 3, text: 'func Reverse(s string) string {' }, { id: 5 }, { id: 7, text: 'x := Reverse(s)' }, { id: 9, text: 'func (t *T) Reverse() {' }];
    expect([...definingChunks('Reverse', chunks)]).toEqual([3, 9]);
  });
});
