#!/usr/bin/env python3
"""PyTorch peer for `mssd bench train`: the same network and MultiBox loss, timed the same way.

Builds the network of an mssd model folder (model.json + weights.safetensors, e.g. written by
`mssd export --model tflite:detect.tflite --out DIR`) in PyTorch and times whole training steps
(forward, loss, backward, SGD momentum update) on a batch of 16 300x300 images with three boxes
each, all layers trainable and backbone frozen, at the given thread counts; median of --steps.
Matching and box targets are computed once outside the timed steps (they depend on the boxes
only). Usage: python3 bench/pytorch_train_peer.py DIR [--threads 1,2] [--steps 5]
"""
import argparse, json, struct, time

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        b, e = v['data_offsets']
        out[k] = np.frombuffer(data[b:e], dtype='<f4').reshape(v['shape']).copy()
    return out


class Net(torch.nn.Module):
    def __init__(self, spec, tensors):
        super().__init__()
        self.layers = spec['layers']
        self.params = torch.nn.ParameterDict()
        for l in self.layers:
            if l['type'] == 'conv':
                self.params[self.key(l['name'], 'w')] = torch.nn.Parameter(torch.from_numpy(tensors[l['weights']]))
                if 'bias' in l:
                    self.params[self.key(l['name'], 'b')] = torch.nn.Parameter(torch.from_numpy(tensors[l['bias']]))
        self.heads = set()
        for p in spec['predictors']:
            self.heads.update([p['box'], p['class']])

    @staticmethod
    def key(name, kind):
        return name.replace('/', '__').replace('.', '_') + '__' + kind

    def forward(self, x):
        outs = {}
        for l in self.layers:
            inp = x if 'input' not in l else outs[l['input']]
            if l['type'] == 'conv':
                s = l['stride']
                if l['padding'] == 'same':
                    h, w = inp.shape[2], inp.shape[3]
                    oh, ow = -(-h // s), -(-w // s)
                    ph, pw = max((oh - 1) * s + l['kh'] - h, 0), max((ow - 1) * s + l['kw'] - w, 0)
                    inp = F.pad(inp, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))
                    pad = 0
                else:
                    pad = tuple(l['padding'])
                y = F.conv2d(inp, self.params[self.key(l['name'], 'w')], self.params.get(self.key(l['name'], 'b')),
                             stride=s, padding=pad, groups=l['groups'])
            else:
                y = inp
            a = l['activation']
            if a == 'relu6':
                y = F.hardtanh(y, 0.0, 6.0)
            elif a == 'relu':
                y = F.relu(y)
            outs[l['name']] = y
        return outs


def targets(anchors, boxes, labels, scales):
    """Matching and encoding exactly as the mssd issue defines them (numpy, float64)."""
    cy, cx, ah, aw = anchors.T
    ay1, ax1, ay2, ax2 = cy - ah / 2, cx - aw / 2, cy + ah / 2, cx + aw / 2
    x1, y1, x2, y2 = boxes.T
    iw = np.clip(np.minimum(ax2[:, None], x2) - np.maximum(ax1[:, None], x1), 0, None)
    ih = np.clip(np.minimum(ay2[:, None], y2) - np.maximum(ay1[:, None], y1), 0, None)
    inter = iw * ih
    iou = inter / ((ay2 - ay1) * (ax2 - ax1))[:, None] + 0 if False else inter / (((ay2 - ay1) * (ax2 - ax1))[:, None] + ((y2 - y1) * (x2 - x1))[None] - inter)
    best = iou.argmax(1)
    match = np.where(iou.max(1) >= 0.5, best, -1)
    for j in range(len(boxes)):
        match[iou[:, j].argmax()] = j
    pos = match >= 0
    g = boxes[np.maximum(match, 0)]
    gh, gw = g[:, 3] - g[:, 1], g[:, 2] - g[:, 0]
    gcy, gcx = g[:, 1] + gh / 2, g[:, 0] + gw / 2
    enc = np.stack([(gcy - cy) / ah * scales[0], (gcx - cx) / aw * scales[1], np.log(gh / ah) * scales[2], np.log(gw / aw) * scales[3]], 1)
    cls = np.where(pos, labels[np.maximum(match, 0)] + 1, 0)
    return torch.from_numpy(pos), torch.from_numpy(enc.astype(np.float32)), torch.from_numpy(cls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--batch', type=int, default=16)
    args = ap.parse_args()
    spec = json.load(open(args.model + '/model.json'))
    tensors = read_safetensors(args.model + '/weights.safetensors')
    anchors = np.array(spec['anchors']['values'], dtype=np.float64).reshape(-1, 4)
    k = spec['logits_per_anchor']
    rng = np.random.default_rng(1)
    batch = []
    for i in range(args.batch):
        wh = rng.uniform(0.1, 0.5, (3, 2))
        xy = rng.uniform(0, 1, (3, 2)) * (1 - wh)
        boxes = np.concatenate([xy, xy + wh], 1)
        batch.append(targets(anchors, boxes, np.array([(i + j) % (k - 1) for j in range(3)]), spec['box_coder']['scales_yxhw']))
    pos = torch.stack([b[0] for b in batch])
    enc_t = torch.stack([b[1] for b in batch])
    cls_t = torch.stack([b[2] for b in batch])
    onehot = F.one_hot(cls_t, k).float()
    images = torch.from_numpy(rng.uniform(-1, 1, (args.batch, 3, spec['input']['height'], spec['input']['width'])).astype(np.float32))
    print(f"torch {torch.__version__}, model {spec['name']}, batch {args.batch}, {len(anchors)} anchors, {k} logits")
    print("threads  layers             images/s   ms/step")
    for t in [int(x) for x in args.threads.split(',')]:
        torch.set_num_threads(t)
        for frozen in (False, True):
            net = Net(spec, tensors)
            for name, p in net.params.items():
                head = any(Net.key(h, '') in name + '_' or name.startswith(Net.key(h, '')[:-2]) for h in net.heads)
                p.requires_grad_(not frozen or head)
            opt = torch.optim.SGD([p for p in net.params.values() if p.requires_grad], lr=1e-4, momentum=0.9, weight_decay=5e-4)
            times = []
            for step in range(args.warmup + args.steps):
                t0 = time.perf_counter()
                outs = net(images)
                encs, logits = [], []
                for p in spec['predictors']:
                    b, c = outs[p['box']], outs[p['class']]
                    encs.append(b.permute(0, 2, 3, 1).reshape(b.shape[0], -1, 4))
                    logits.append(c.permute(0, 2, 3, 1).reshape(c.shape[0], -1, k))
                enc, logit = torch.cat(encs, 1), torch.cat(logits, 1)
                cl = F.binary_cross_entropy_with_logits(logit, onehot, reduction='none').sum(2)
                npos = pos.sum()
                with torch.no_grad():
                    neg_loss = cl.masked_fill(pos, -1.0)
                    keep = torch.zeros_like(pos)
                    for i in range(args.batch):
                        n = int(min(3 * pos[i].sum(), (~pos[i]).sum()))
                        keep[i, neg_loss[i].topk(n).indices] = True
                loss = (cl[pos].sum() + cl[keep].sum() + F.smooth_l1_loss(enc[pos], enc_t[pos], reduction='sum')) / npos
                opt.zero_grad()
                loss.backward()
                opt.step()
                if step >= args.warmup:
                    times.append(time.perf_counter() - t0)
            ms = float(np.median(times)) * 1000
            print(f"{t:7d}  {'backbone frozen' if frozen else 'all trainable':17s} {args.batch * 1000 / ms:9.1f} {ms:9.0f}")


if __name__ == '__main__':
    main()
