#!/usr/bin/env node
// Prints its version and the Node.js that runs it (the test checks that a wrapper chose it).
console.log("tiny-hello 1.0.0 from npm, node " + process.execPath);
