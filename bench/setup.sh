#!/usr/bin/env bash
# Installs the peers the benchmarks run beside our code (nothing here is needed by the tests):
#   sentencepiece (spm_train, spm_encode), the KJV Bible text, PyTorch 1.13 for the LSTM bench, and the Node peers.
set -euo pipefail
cd "$(dirname "$0")"
if command -v apt-get >/dev/null; then
  sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_ apt-get install -y -qq sentencepiece bible-kjv python3-torch libopenblas0-pthread >/dev/null
  command -v node >/dev/null || sudo_ apt-get install -y -qq nodejs npm >/dev/null
fi
mkdir -p data
[ -s data/kjv.txt ] || bible gen1:1-rev22:21 > data/kjv.txt   # the whole King James Bible, ~4.3 MB
(cd node && npm install --no-audit --no-fund --silent)
echo "peers ready: $(spm_train --version 2>&1 | head -n1), node $(node --version), data/kjv.txt $(wc -c < data/kjv.txt) bytes"
