#!/usr/bin/env python3
"""Whole-command robustness on corrupted real files, the way issue 15 describes the check.

Makes N corrupted copies of each real file (truncation, byte flips in the structure, 32-bit words
set to huge values, zeroed spans), runs the matching mssd command on each in a JVM with a 1 GiB
heap, and prints one line per file: exit code, number of stderr lines, seconds. A line ending in
"BAD" breaks the contract (exit code 0 or 2 with exactly one error line, within 10 s).
Usage: python3 bench/corrupt_files.py [N]   (from the repository root, after `mvn package`)
"""
import os, random, subprocess, sys, tempfile, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
jar = os.path.join(root, 'tools', 'target', 'mssd.jar')
shared = os.path.join(root, '..', 'shared')
img = os.path.join(root, 'tools', 'src', 'test', 'resources', 'caffe', 'messi5.png')
tmp = tempfile.mkdtemp(prefix='mssd-corrupt-')
rnd = random.Random(15)

def corrupt(data, k, structure):
    b = bytearray(data)
    kind = k % 4
    if kind == 0:
        return bytes(b[:rnd.randrange(1, len(b))])
    lo, hi = structure
    for _ in range(rnd.randrange(1, 8)):
        at = rnd.randrange(lo, max(lo + 1, min(hi, len(b) - 4)))
        if kind == 1:
            b[at] ^= rnd.randrange(1, 256)
        elif kind == 2:
            b[at:at + 4] = rnd.choice([0x7fffffff, 0xffffffff, 0x80000000, len(b) * 2]).to_bytes(4, 'little')
        else:
            b[at:at + 16] = bytes(16)
    return bytes(b)

def run(args, path):
    t0 = time.time()
    p = subprocess.run(['java', '-Xmx1g', '-jar', jar] + args, capture_output=True, text=True, timeout=120)
    dt = time.time() - t0
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    ok = (p.returncode == 0 or (p.returncode == 2 and len(lines) == 1)) and dt < 10
    print(f'{os.path.basename(path)}: exit {p.returncode}, {len(lines)} stderr lines, {dt:.1f} s {"" if ok else "BAD " + repr(p.stderr[-300:])}')
    return ok

cases = []
tfl = os.path.join(root, 'ssd/src/main/resources/io/mssd/ssd/models/coco-ssd-mobilenetv1/detect.tflite')
data = open(tfl, 'rb').read()
for k in range(n):  # the tables sit after the weights: corrupt there mostly
    f = os.path.join(tmp, f'tflite{k}.tflite')
    open(f, 'wb').write(corrupt(data, k, (len(data) - 40000, len(data)) if k % 3 else (0, 1024)))
    cases.append((['detect', '--model', 'tflite:' + f, '--image', img], f))
proto = open(os.path.join(root, 'tools/src/test/resources/caffe/MobileNetSSD_deploy.prototxt'), 'rb').read()
for k in range(n):
    f = os.path.join(tmp, f'deploy{k}.prototxt')
    open(f, 'wb').write(corrupt(proto, k, (0, len(proto))))
    cases.append((['detect', '--model', f'caffe:{f},{f}', '--image', img], f))
onnx = os.path.join(shared, 'fixtures/onnx-pytorch-ssd/mb2-ssd-lite/mb2-ssd-lite.onnx')
if os.path.exists(onnx):
    data = open(onnx, 'rb').read()
    for k in range(n):
        f = os.path.join(tmp, f'mb2{k}.onnx')
        open(f, 'wb').write(corrupt(data, k, (0, len(data))))
        open(os.path.join(tmp, 'labels.txt'), 'w').write(open(os.path.join(os.path.dirname(onnx), 'labels.txt')).read())
        cases.append((['detect', '--model', 'onnx:' + f, '--image', img], f))
gt = open(os.path.join(root, 'tools/src/test/resources/coco-eval/small_gt.json'), 'rb').read()
dt = os.path.join(root, 'tools/src/test/resources/coco-eval/small_dt.json')
for k in range(n):
    f = os.path.join(tmp, f'gt{k}.json')
    open(f, 'wb').write(corrupt(gt, k, (0, len(gt))))
    cases.append((['score', '--gt', f, '--dt', dt], f))
bad = sum(not run(a, f) for a, f in cases)
print(f'{len(cases)} corrupted files, {bad} broke the contract')
sys.exit(1 if bad else 0)
