// onnxruntime peer for `mssd bench --model onnx:FILE`: the same ONNX file on onnxruntime (CPU), timed
// the same way as mssd's network: one session.run on a 1x3xHxW float input, median of --runs after
// --warmup, intra-op threads = --threads (inter-op 1, sequential execution, all graph optimisations).
// With an input .npy and a scores .npy (the fixture's), also prints the largest difference.
//
// Setup (no CUDA download; the CPU library ships in the package):
//   mkdir -p /tmp/ort && cd /tmp/ort && npm install onnxruntime-node@1.30.0 --ignore-scripts
// Usage:
//   NODE_PATH=/tmp/ort/node_modules node bench/onnxruntime_peer.mjs MODEL.onnx [--threads 1,2] [--runs 30]
//       [--warmup 10] [--input X_input.npy --scores X_scores.npy]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const model = args[0];
const threads = opt('--threads', '1,2').split(',').map(Number);
const runs = Number(opt('--runs', '30')), warmup = Number(opt('--warmup', '10'));

function npy(file) {
  const b = readFileSync(file);
  const headerLen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + headerLen).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(file + ': expected float32');
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter(s => s.trim()).map(Number);
  const data = new Float32Array(b.buffer.slice(b.byteOffset + 10 + headerLen, b.byteOffset + b.length));
  return { shape, data };
}

for (const t of threads) {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: t, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const name = session.inputNames[0];
  let input;
  if (opt('--input')) { const x = npy(opt('--input')); input = new ort.Tensor('float32', x.data, x.shape); }
  else { input = new ort.Tensor('float32', new Float32Array(3 * 300 * 300).fill(0.1), [1, 3, 300, 300]); }
  const feeds = { [name]: input };
  let out;
  for (let i = 0; i < warmup; i++) out = await session.run(feeds);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    out = await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const median = runs % 2 ? ms[(runs - 1) / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  let check = '';
  if (opt('--scores')) {
    const ref = npy(opt('--scores')).data, got = out.scores.data;
    let m = 0;
    for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i] - got[i]));
    check = `, max |scores - fixture| ${m.toExponential(2)}`;
  }
  console.log(`onnxruntime-node ${ort.env.versions.common} ${model.split('/').pop()}: ${t} threads ${median.toFixed(2)} ms/frame (median of ${runs}, session.run)${check}`);
  await session.release();
}
