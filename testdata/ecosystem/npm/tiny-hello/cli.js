#!/usr/bin/env node
// Prints its version and the Node.js that runs it (the tests check which one a wrapper chose;
// the stand-in nodejs dependency of the tests names itself in TAILOR_TEST_NODE).
console.log("tiny-hello 1.0.0 from npm, node " + (process.env.TAILOR_TEST_NODE || process.execPath));
