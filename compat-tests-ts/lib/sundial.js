// Starts a standalone Sundial server (the runnable JAR) on a free port for the tests.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const STARTUP_TIMEOUT_MS = 60_000;

/** The JAR given by Maven in SUNDIAL_JAR, else the one built in ../sundial-cli/target. */
function findJar() {
  if (process.env.SUNDIAL_JAR) {
    if (!fs.existsSync(process.env.SUNDIAL_JAR)) {
      throw new Error(`SUNDIAL_JAR points to a missing file: ${process.env.SUNDIAL_JAR}`);
    }
    return process.env.SUNDIAL_JAR;
  }
  const dir = path.resolve(__dirname, '..', '..', 'sundial-cli', 'target');
  const jars = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^sundial-cli-.*-all\.jar$/.test(f)) : [];
  if (jars.length === 0) {
    throw new Error(`no sundial-cli-*-all.jar in ${dir}; build it with: mvn -B install -DskipTests -pl sundial-cli -am`);
  }
  return path.join(dir, jars.sort().pop());
}

/** A port free on loopback now (for a server that must come back on the same port). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portAnswers(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Spawns `java -jar sundial-cli-*-all.jar server start --port 0 ...` (plus extraArgs), parses the
 * addresses it prints and waits until the gRPC port accepts connections. Returns { address, uiUrl,
 * httpUrl, stop(), kill(), stderr() }; the URLs are null when the server serves no UI / HTTP API.
 * With options.port and options.dataDir (which the caller then owns) a server killed with kill()
 * can be started again on the same port and database.
 */
async function startSundial(extraArgs = [], options = {}) {
  const jar = findJar();
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sundial-ts-'));
  const port = String(options.port ?? 0);
  const args = ['-jar', jar, 'server', 'start', '--port', port, '--db-filename', path.join(dataDir, 'ts.db'), '--log-level', 'warn', ...extraArgs];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  // Make sure the server never outlives this process, also when it is interrupted.
  const killOnExit = () => child.kill('SIGKILL');
  const killOnSignal = (signal) => {
    child.kill('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', killOnExit);
  process.once('SIGINT', killOnSignal);
  process.once('SIGTERM', killOnSignal);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    process.removeListener('SIGINT', killOnSignal);
    process.removeListener('SIGTERM', killOnSignal);
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  // kill -9: no shutdown hook runs; whatever was not committed is gone.
  const kill = async () => {
    process.removeListener('exit', killOnExit);
    process.removeListener('SIGINT', killOnSignal);
    process.removeListener('SIGTERM', killOnSignal);
    if (exited === null) {
      child.kill('SIGKILL');
      await exitPromise;
    }
  };

  try {
    const address = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Sundial did not print its gRPC address within ${STARTUP_TIMEOUT_MS} ms`)),
        STARTUP_TIMEOUT_MS
      );
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /gRPC:\s+(\S+):(\d+)/.exec(stdout);
        if (m && /Press Ctrl-C/.test(stdout)) {
          clearTimeout(timer);
          resolve({ host: m[1], port: Number(m[2]) });
        }
      });
      exitPromise.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`Sundial exited during startup (code ${code}, signal ${signal})`));
      });
    });
    child.stdout.resume(); // keep draining stdout
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!(await portAnswers(address.host, address.port))) {
      if (exited !== null) throw new Error(`Sundial exited during startup (code ${exited.code})`);
      if (Date.now() > deadline) throw new Error(`Sundial port ${address.port} did not answer`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ui = /Web UI:\s+(https?:\/\/\S+)/.exec(stdout);
    const http = /HTTP API:\s+(https?:\/\/\S+)/.exec(stdout);
    return {
      address: `${address.host}:${address.port}`,
      uiUrl: ui ? ui[1] : null,
      httpUrl: http ? http[1] : null,
      jar,
      stop,
      kill,
      stderr: () => stderr,
    };
  } catch (err) {
    await stop();
    err.message += `\n--- sundial stdout ---\n${stdout}\n--- sundial stderr ---\n${stderr}`;
    throw err;
  }
}

module.exports = { startSundial, freePort };
