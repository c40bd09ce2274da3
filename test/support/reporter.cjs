// Mocha reporter for every layer: the usual spec output, plus a small JSON summary written to
// $CHATREQ_RESULTS_FILE that scripts/test.mjs adds up into the final "N passed, N failed" line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class ChatreqReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on('fail', (test, err) => {
      failures.push({ title: test.fullTitle(), message: String((err && err.message) || err) });
    });
    runner.once('end', () => {
      const file = process.env.CHATREQ_RESULTS_FILE;
      if (!file) return;
      const s = this.stats;
      fs.writeFileSync(
        file,
        JSON.stringify({ passed: s.passes, failed: s.failures, pending: s.pending, failures }),
      );
    });
  }
}

module.exports = ChatreqReporter;
