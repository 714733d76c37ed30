'use strict';
// Preloaded (node --require) into jsii's kernel program, which the Makefile
// starts itself through JSII_RUNTIME rather than through jsii's runtime
// script. That script is a relay: a second Node.js process that starts the
// kernel, copies every request from its standard input to the kernel's
// file descriptor 3 and every response back to its standard output, and
// wraps what the kernel prints as {"stdout"|"stderr": base64} lines on its
// standard error. Each jsii call crosses it twice, and it costs a Node.js
// start. Here the kernel talks on its own standard input and output:
// its reads and writes of descriptor 3 go to 0 and 1, and what it prints
// is wrapped on standard error as the relay wraps it, so that the Go side
// (which reads those lines) sees the same streams.
const fs = require('fs');

const API = 3; // the kernel's channel (readFD and writeFD of its SyncStdio)
const readSync = fs.readSync;
const writeSync = fs.writeSync;

// A descriptor made non-blocking by whoever shares it would fail a read
// with EAGAIN, which the kernel takes as the end of its input: wait for
// data instead, as a blocking read does.
const pause = new Int32Array(new SharedArrayBuffer(4));
fs.readSync = function (fd, ...rest) {
  if (fd !== API) {
    return readSync.call(fs, fd, ...rest);
  }
  for (;;) {
    try {
      return readSync.call(fs, 0, ...rest);
    } catch (e) {
      if (e.code !== 'EAGAIN') {
        throw e;
      }
      Atomics.wait(pause, 0, 0, 1);
    }
  }
};
fs.writeSync = function (fd, ...rest) {
  return writeSync.call(fs, fd === API ? 1 : fd, ...rest);
};

// Standard output carries the responses now: what the kernel's code
// prints goes to standard error, each write as one line that says which
// stream it was meant for.
function wrap(stream) {
  return function write(chunk, encoding, callback) {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding);
    const line = Buffer.from(JSON.stringify({ [stream]: data.toString('base64') }) + '\n');
    for (let off = 0; off < line.length; ) {
      off += writeSync.call(fs, 2, line, off);
    }
    if (callback) {
      process.nextTick(callback);
    }
    return true;
  };
}
process.stdout.write = wrap('stdout');
process.stderr.write = wrap('stderr');
