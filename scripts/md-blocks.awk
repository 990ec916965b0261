# Splits a Markdown file into its fenced code blocks, for the docs tests.
#   awk -v out=DIR -f scripts/md-blocks.awk FILE.md
# Writes each block's text to DIR/N (N = 1, 2, ... in document order) and one line per block
# to DIR/index: N <TAB> language <TAB> line of the block's first text line <TAB> the
# `<!-- ... -->` comment on the line just before the fence (or empty). Never runs anything.
BEGIN { n = 0; inblock = 0; prev = "" }
{
    if (!inblock && $0 ~ /^```/) {
        inblock = 1; n++
        lang = substr($0, 4); gsub(/[ \t].*/, "", lang)
        marker = ""
        if (prev ~ /^<!--.*-->[ \t]*$/) { marker = prev; sub(/^<!--[ \t]*/, "", marker); sub(/[ \t]*-->[ \t]*$/, "", marker) }
        file = out "/" n
        printf "" > file
        printf "%d\t%s\t%d\t%s\n", n, lang, NR + 1, marker >> (out "/index")
    } else if (inblock && $0 ~ /^```[ \t]*$/) {
        inblock = 0; close(file)
    } else if (inblock) {
        print >> file
    }
    prev = $0
}
END {
    if (inblock) { print FILENAME ": unterminated code block" > "/dev/stderr"; exit 1 }
    if (n == 0) printf "" >> (out "/index")
}
