#!/usr/bin/env bash
# Installs the Debian 12 packages baogao needs to build and test.
# Idempotent: packages already installed are skipped, and nothing is
# fetched when everything is there.
set -euo pipefail

packages=(
  # build
  gcc g++ make cmake pkg-config
  # libraries
  libxapian-dev zlib1g-dev libutf8proc-dev libjansson-dev libcurl4-openssl-dev
  libmicrohttpd-dev
  # report formats: .docx (zip + XML), .html, .pdf
  libzip-dev libxml2-dev libpoppler-glib-dev
  # Traditional to Simplified table (--t2s): its generator and its checks
  libopencc-dev opencc
  # word lists for where new formulations start and end (compare, keywords)
  friso-dict
  # scanned PDFs (--ocr): Tesseract with its Simplified Chinese data
  tesseract-ocr tesseract-ocr-chi-sim
  # tests (xapian-tools: replication)
  libcmocka-dev python3 jq util-linux xapian-tools
  # browser tests: headless Chromium (the workbench, driven by Selenium;
  # reports printed to PDF), CJK fonts, poppler-utils (PDF pages rendered
  # as scans)
  chromium chromium-driver python3-selenium fonts-noto-cjk poppler-utils
  # packaging tests: the .deb (cpack's dpkg-shlibdeps, lintian), man pages,
  # the unit (systemd-analyze), completions (bash-completion, zsh)
  dpkg-dev lintian man-db systemd bash-completion zsh
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
