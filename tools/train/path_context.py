#!/usr/bin/python3
"""Documents that start with their file's path, as the index would show them: a training corpus for a
model that reads each chunk with its path.

    tools/train/path_context.py IN.jsonl OUT.jsonl

Writes IN's pairs (corpus.py's fields) with `code` replaced by the file's path within its library, a
newline, and the code: "src/builder/arg.rs\\nfn value_parser(…" rather than the install path Debian
gives ("/usr/share/cargo/registry/clap-4.0.32/src/builder/arg.rs"), because an index holds paths relative
to the folder indexed, which is a library's root. The install folder is cut (PREFIXES), then the folders
that name the library's root when the pair's package names them (a crate, a gem, a Go import path, an npm
package, a JDK module, a source tarball), except for Python, whose package folder is the top of its
source tree in a checkout too, headers, named by their include path, and the Ruby gems and PHP libraries
of the machine that built the corpus (not Debian's extracted packages), recorded from their parent folder
(`rack-2.2.4/lib/rack/utils.rb`). A README example gets its file's name.
"""
import argparse
import json
import os

# Where corpus.py's sources are installed; what follows is the library's folder, then its files.
PREFIXES = ("/usr/lib/python3.11/", "/usr/lib/python3/dist-packages/", "/usr/share/nodejs/", "/usr/share/php/",
            "/usr/include/", "/usr/src/", "/usr/share/gocode/src/", "/usr/share/cargo/registry/",
            "/usr/share/rubygems-integration/all/gems/", "/usr/lib/ruby/vendor_ruby/")


def library_path(pair):
    """The pair's file path as an index of its library would hold it."""
    path = pair["path"]
    if ":readme/" in pair["package"]:  # a README example: the file it was found in, as a checkout names it
        return os.path.basename(path).removesuffix(".gz")
    installed = path.startswith("/")
    for prefix in PREFIXES:
        if path.startswith(prefix):
            path = path[len(prefix):]
            break
    library = pair["package"].split(":", 1)[1].split("/")
    # The folders that name the library's root: a Go import path's host/owner/name, a scoped npm package's
    # two, otherwise one (a crate, a gem, an npm package, a JDK module, a source tarball), none for Python
    # or a header under /usr/include (whose include path is how code names it).
    root = 3 if pair["lang"] == "go" and "." in library[0] else 2 if library[0].startswith("@") else 1
    if pair["lang"] == "python" or pair["path"].startswith("/usr/include/") or path.split("/")[:root] != library[:root]:
        return path.lstrip("/")
    return "/".join(path.split("/")[root:]) if installed or pair["lang"] in ("java", "rust", "javascript", "typescript", "go") else path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source")
    parser.add_argument("out")
    args = parser.parse_args()
    with open(args.source) as source, open(args.out + ".tmp", "w") as out:
        for line in source:
            pair = json.loads(line)
            out.write(json.dumps(dict(pair, code=f"{library_path(pair)}\n{pair['code']}")) + "\n")
    os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
