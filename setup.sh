#!/usr/bin/env bash
# Install what the generator and its tests need on a Debian/Ubuntu machine:
# CJK fonts (charts, PDFs), LibreOffice and poppler (PDF checks), Chromium (preview test),
# then the Python package with its test extra. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

DEBS="fonts-noto-cjk libreoffice-writer-nogui poppler-utils chromium chromium-driver"
missing=""
for pkg in $DEBS; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "安装系统软件包：$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "请先安装：$missing（字体与 LibreOffice 用于图表和 PDF）" >&2
  fi
fi
# Fontconfig aliases for the 公文 faces the documents name: 仿宋/宋体/小标宋 → Noto Serif CJK SC,
# 楷体 → AR PL UKai CN, 黑体 → Noto Sans CJK SC, Times New Roman → Liberation Serif (else Noto
# Serif CJK SC), so that LibreOffice renders the PDFs with Chinese faces, not a Japanese sans.
# A Kai face (fonts-arphic-ukai, 17 MB) keeps （一） headings in 楷体 distinct from the body.
FONTDEBS=""
[ -n "$(fc-list "Noto Serif CJK SC" family 2>/dev/null || true)" ] || FONTDEBS="fonts-noto-cjk-extra"
[ -n "$(fc-list "AR PL UKai CN" family 2>/dev/null || true)" ] || FONTDEBS="$FONTDEBS fonts-arphic-ukai"
if [ -n "$FONTDEBS" ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $FONTDEBS >/dev/null || true
fi
if [ "$(id -u)" -eq 0 ]; then FCDIR=/etc/fonts/conf.d; else FCDIR="$HOME/.config/fontconfig/conf.d"; fi
mkdir -p "$FCDIR"
{
  echo '<?xml version="1.0"?>'
  echo '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
  echo '<fontconfig>'
  for face in 仿宋 仿宋_GB2312 FangSong FangSong_GB2312 宋体 SimSun 方正小标宋简体 方正小标宋_GBK; do
    echo "  <alias binding=\"strong\"><family>$face</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>"
  done
  for face in 楷体 楷体_GB2312 KaiTi KaiTi_GB2312; do
    echo "  <alias binding=\"strong\"><family>$face</family><prefer><family>AR PL UKai CN</family><family>Noto Serif CJK SC</family></prefer></alias>"
  done
  for face in "Times New Roman" TimesNewRoman; do  # Latin: the metric clone if present
    echo "  <alias binding=\"strong\"><family>$face</family><prefer><family>Liberation Serif</family><family>Noto Serif CJK SC</family></prefer></alias>"
  done
  for face in 黑体 SimHei 方正黑体简体; do
    echo "  <alias binding=\"strong\"><family>$face</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>"
  done
  echo '</fontconfig>'
} > "$FCDIR/64-generator-gongwen.conf"
fc-cache -f >/dev/null 2>&1 || true
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
# Bytecode for the package, as a wheel install writes it: each run (and each worker started by
# spawn) then loads it instead of compiling every module (PYTHONDONTWRITEBYTECODE would keep
# Python from ever writing it). Stale files are recompiled by Python itself when a source changes.
python3 -m compileall -q generator >/dev/null || true
echo "安装完成。"
