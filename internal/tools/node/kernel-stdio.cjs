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
const { Writable } = require('stream');

const API = 3; // the kernel's channel (readFD and writeFD of its SyncStdio)
const readSync = fs.readSync;
const writeSync = fs.writeSync;

// A descriptor that is non-blocking fails a read or a write with EAGAIN
// when the pipe is empty or full: wait a millisecond and try again, as a
// blocking one would wait. (The kernel takes a failed read as the end of
// its input.)
const pause = new Int32Array(new SharedArrayBuffer(4));
function retried(op) {
  for (;;) {
    try {
      return op();
    } catch (e) {
      if (e.code !== 'EAGAIN') {
        throw e;
      }
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

fs.readSync = function (fd, ...rest) {
  if (fd !== API) {
    return readSync.call(fs, fd, ...rest);
  }
  return retried(() => readSync.call(fs, 0, ...rest));
};
fs.writeSync = function (fd, ...rest) {
  return writeSync.call(fs, fd === API ? 1 : fd, ...rest);
};

// Standard output carries the responses now: what the kernel's code
// prints (console, process.stdout and process.stderr) goes to standard
// error, each write as one line that says which stream it was meant for,
// written whole before the write returns. Node.js's own streams for
// descriptors 1 and 2 are never made: making them would switch the pipes
// to non-blocking mode, under the kernel's responses too.
function framed(name, fd) {
  const stream = new Writable({
    decodeStrings: true,
    write(chunk, encoding, callback) {
      const line = Buffer.from(JSON.stringify({ [name]: chunk.toString('base64') }) + '\n');
      try {
        for (let off = 0; off < line.length; ) {
          off += retried(() => writeSync.call(fs, 2, line, off));
        }
        callback();
      } catch (e) {
        callback(e);
      }
    },
  });
  stream.fd = fd;
  stream.isTTY = false;
  return stream;
}
for (const [name, fd] of [['stdout', 1], ['stderr', 2]]) {
  const stream = framed(name, fd);
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
}
