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
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
echo "安装完成。"
