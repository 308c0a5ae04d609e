#!/usr/bin/env bash
# Puts the fonts the review's PDF is drawn with into one folder (default: .venv/share/datacity-fonts,
# where `datacity review --format pdf` looks; DATACITY_FONTS names another):
#   Noto Sans (Latin, Greek, Cyrillic), Noto Sans Arabic, Hebrew, Devanagari, Kannada and Tamil,
#   from Debian's fonts-noto-core; Noto Sans CJK (Chinese, Japanese, Korean), from fonts-noto-cjk.
# Each file is copied from this machine's /usr/share/fonts when Debian's package is installed there;
# otherwise the package is downloaded with `apt-get download` and unpacked into a temporary folder
# with dpkg-deb (nothing is installed system-wide). Idempotent: quiet when every file is there.
#   usage: scripts/review-fonts.sh [DEST] [--download]   (--download: ignore the system's copies)
set -euo pipefail

dest=".venv/share/datacity-fonts"
download=0
for arg in "$@"; do
    case "$arg" in
        --download) download=1 ;;
        *) dest="$arg" ;;
    esac
done

core_dir=usr/share/fonts/truetype/noto
cjk_dir=usr/share/fonts/opentype/noto
core=(NotoSans-Regular.ttf NotoSans-Bold.ttf
      NotoSansArabic-Regular.ttf NotoSansArabic-Bold.ttf
      NotoSansHebrew-Regular.ttf NotoSansHebrew-Bold.ttf
      NotoSansDevanagari-Regular.ttf NotoSansDevanagari-Bold.ttf
      NotoSansKannada-Regular.ttf NotoSansKannada-Bold.ttf
      NotoSansTamil-Regular.ttf NotoSansTamil-Bold.ttf)
cjk=(NotoSansCJK-Regular.ttc NotoSansCJK-Bold.ttc)

mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# place PACKAGE DIR FILE...: copy each missing FILE into $dest, from the system or the package.
place() {
    local pkg=$1 dir=$2 file root
    shift 2
    local want=()
    for file in "$@"; do
        [ -s "$dest/$file" ] || want+=("$file")
    done
    [ ${#want[@]} -eq 0 ] && return 0
    root=/
    if [ "$download" = 1 ] || ! (cd / && ls "${want[@]/#/$dir/}" >/dev/null 2>&1); then
        echo "review-fonts: downloading Debian's $pkg for ${#want[@]} font file(s)" >&2
        if ! (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1); then
            if [ "$(id -u)" = "0" ]; then
                apt-get update -qq >/dev/null
            fi
            (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null) || {
                echo "review-fonts: cannot download Debian's $pkg (run 'apt-get update' as root, then" \
                    "'make fonts'); the PDF tests say why they cannot run" >&2
                # As root nothing stands in the way: a real failure. Otherwise, like
                # test-services.sh, say what is missing and let the rest of the setup go on.
                [ "$(id -u)" = "0" ] && exit 1
                exit 0
            }
        fi
        dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/$pkg"
        root="$tmp/$pkg/"
    fi
    for file in "${want[@]}"; do
        cp "$root$dir/$file" "$dest/$file.part"
        mv "$dest/$file.part" "$dest/$file"
    done
}

place fonts-noto-core "$core_dir" "${core[@]}"
place fonts-noto-cjk "$cjk_dir" "${cjk[@]}"
