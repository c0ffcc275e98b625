#!/usr/bin/env bash
# Regenerates the screenshots of the HTML report and its main figures in docs/images/ (evident issue 5) with
# headless Chromium. Each figure is put alone in a small HTML page sized to the SVG, so the PNG is cropped to it.
#
#   tests/render/screenshots.sh EVIDENT_BINARY [SOURCE_DIR]
#
# Data: tests/data/Senn2013.csv, tests/data/dat.bcg.csv; a 100-study forest plot from the first 100 studies of
# tests/data/synthetic_pairwise_5000.csv; a 50-treatment network graph from the studies S0001-S0600 of
# tests/data/synthetic_nma_1500s_80t.csv whose arms are all among T01-T50 (studies S0001-S0049 form a spanning tree
# of T01-T50, so the network is connected; see tests/data/SOURCES.md).
set -eu

evident=${1:?usage: screenshots.sh EVIDENT_BINARY [SOURCE_DIR]}
evident="$(cd "$(dirname "$evident")" && pwd)/$(basename "$evident")"
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
images="$src/docs/images"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$images"
cd "$src"  # relative data paths: the report title shows the path as given

chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chromium" ]; then
  echo "chromium not found" >&2
  exit 77
fi

# Chromium's PNGs are RGB with fast compression; a 256-colour palette and zlib level 9 keep them small (< 300 KB).
cat >"$work/quantize.py" <<'PY'
import sys, zlib, struct
def read_png(path):
    d = open(path, 'rb').read()
    i = 8; idat = b''; ihdr = None
    while i < len(d):
        n = struct.unpack('>I', d[i:i+4])[0]; t = d[i+4:i+8]; body = d[i+8:i+8+n]
        if t == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
        elif t == b'IDAT': idat += body
        i += 12 + n
    w, h, depth, ctype = ihdr[:4]
    assert depth == 8 and ctype in (2, 6), ihdr
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    out = bytearray(h * stride)
    prev = bytearray(stride)
    pos = 0
    for y in range(h):
        f = raw[pos]; line = bytearray(raw[pos+1:pos+1+stride]); pos += 1 + stride
        if f == 1:
            for x in range(bpp, stride): line[x] = (line[x] + line[x-bpp]) & 255
        elif f == 2:
            for x in range(stride): line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(stride):
                a = line[x-bpp] if x >= bpp else 0
                line[x] = (line[x] + ((a + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x-bpp] if x >= bpp else 0; b = prev[x]; c = prev[x-bpp] if x >= bpp else 0
                p = a + b - c; pa = abs(p - a); pb = abs(p - b); pc = abs(p - c)
                pr = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        out[y*stride:(y+1)*stride] = line; prev = line
    return w, h, bpp, out
def quantize(path, dst):
    w, h, bpp, px = read_png(path)
    counts = {}
    cols = [bytes(px[i:i+3]) for i in range(0, len(px), bpp)]
    for c in cols: counts[c] = counts.get(c, 0) + 1
    pal = [c for c, _ in sorted(counts.items(), key=lambda kv: -kv[1])[:256]]
    index = {c: i for i, c in enumerate(pal)}
    cache = {}
    def nearest(c):
        if c in index: return index[c]
        if c in cache: return cache[c]
        r, g, b = c
        best = min(range(len(pal)), key=lambda i: (pal[i][0]-r)**2 + (pal[i][1]-g)**2 + (pal[i][2]-b)**2)
        cache[c] = best; return best
    data = bytearray()
    for y in range(h):
        data.append(0)
        data.extend(nearest(c) for c in cols[y*w:(y+1)*w])
    def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b) & 0xffffffff)
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 3, 0, 0, 0))
    png += chunk(b'PLTE', b''.join(pal)) + chunk(b'IDAT', zlib.compress(bytes(data), 9)) + chunk(b'IEND', b'')
    open(dst, 'wb').write(png)
for f in sys.argv[1:]:
    quantize(f, f)
PY

shoot() {  # shoot URL PNG WIDTH HEIGHT
  "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --screenshot="$2" --window-size="$3,$4" "$1" >/dev/null 2>&1
  python3 "$work/quantize.py" "$2" >/dev/null
  echo "$2: $(stat -c %s "$2") bytes (${3}x${4})"
}

# figure SVG_FILE PNG: the SVG alone in a page of its size (plus a small margin)
figure() {
  local svg=$1 png=$2 w h
  w=$(grep -o -m1 '<svg[^>]*' "$svg" | sed -n 's/.* width="\([0-9.]*\)".*/\1/p')
  h=$(grep -o -m1 '<svg[^>]*' "$svg" | sed -n 's/.* height="\([0-9.]*\)".*/\1/p')
  w=$(printf '%.0f' "$w")
  h=$(printf '%.0f' "$h")
  {
    echo '<!DOCTYPE html><html><head><meta charset="utf-8"/><style>html,body{margin:0;padding:8px;background:#fff}svg{display:block}</style></head><body>'
    sed '1{/^<?xml/d}' "$svg"
    echo '</body></html>'
  } >"$work/figure.html"
  shoot "file://$work/figure.html" "$png" $((w + 16)) $((h + 16))
}

# table HTML TABLE_ID PNG WIDTH HEIGHT: one table of a report page, with the page's styles
table() {
  python3 - "$1" "$2" "$work/table.html" <<'PY'
import sys
html, tid, out = sys.argv[1:4]
s = open(html, encoding="utf-8").read()
head = s[: s.index("<body>")]
i = s.index('<table class="evident-table', s.index('id="%s"' % tid) - 200)
j = s.index("</table>", i) + len("</table>")
open(out, "w", encoding="utf-8").write(head + "<body style=\"max-width:none;padding:8px\">" + s[i:j] + "</body></html>")
PY
  shoot "file://$work/table.html" "$3" "$4" "$5"
}

# Senn2013: the report top, network graph, NMA forest plot, rankograms, league table
"$evident" report tests/data/Senn2013.csv -o "$work/senn.html" --figures "$work/senn" 2>/dev/null
shoot "file://$work/senn.html" "$images/report-senn2013.png" 1280 1400
figure "$work/senn/network-graph.svg" "$images/network-senn2013.png"
figure "$work/senn/nma-forest.svg" "$images/nma-forest-senn2013.png"
figure "$work/senn/rankogram.svg" "$images/rankogram-senn2013.png"
table "$work/senn.html" evident-table-league-random "$images/league-senn2013.png" 1240 560

# dat.bcg: forest plot (RR)
"$evident" report tests/data/dat.bcg.csv --map tpos=ai --map tneg=bi --map cpos=ci --map cneg=di --measure RR \
  -o "$work/bcg.html" --figures "$work/bcg" 2>/dev/null
figure "$(ls "$work"/bcg/forest-*.svg | head -1)" "$images/forest-bcg.png"

# 100-study forest plot
head -n 101 "$src/tests/data/synthetic_pairwise_5000.csv" >"$work/p100.csv"
"$evident" report "$work/p100.csv" -o "$work/p100.html" --figures "$work/p100" 2>/dev/null
figure "$(ls "$work"/p100/forest-*.svg | head -1)" "$images/forest-100-studies.png"

# 50-treatment network graph
awk -F, 'NR == 1 { next }
  { s = $1; gsub(/"/, "", s); n = substr(s, 2) + 0; t = $2; gsub(/"/, "", t); k = substr(t, 2) + 0
    if (n <= 600) { rows[s] = rows[s] $0 "\n"; if (k > 50) bad[s] = 1 } }
  END { for (s in rows) if (!(s in bad)) printf "%s", rows[s] }' "$src/tests/data/synthetic_nma_1500s_80t.csv" |
  sort >"$work/n50.body"
{ head -n 1 "$src/tests/data/synthetic_nma_1500s_80t.csv"; cat "$work/n50.body"; } >"$work/n50.csv"
"$evident" report "$work/n50.csv" --nsim 0 -o "$work/n50.html" --figures "$work/n50" 2>/dev/null
figure "$work/n50/network-graph.svg" "$images/network-50-treatments.png"
